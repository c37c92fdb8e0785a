package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The dashboards and alert rules of infra/observability, checked against the running gateway rather than by eye: a real
 * Prometheus (Debian's {@code prometheus} package) scrapes this Gemgate's management port every second after a little
 * load (generations, a stream, a cache hit, a 404, a retried 429, a fallback, a budget crossing its 50% alert), with the
 * alert rules loaded; then every PromQL expression of the dashboards and of the rules either returns data or is valid
 * and names only metrics Gemgate exposes. {@code promtool check rules} and {@code promtool test rules} (the unit tests
 * of {@code gemgate-alerts.test.yml}: a firing and a silent case for every alert) must pass, every alert must point at
 * a section of RUNBOOK.md, and the Prometheus Operator's PrometheusRule must carry the same rules.
 *
 * <p>Without the {@code prometheus} and {@code promtool} binaries the tests that need them are skipped, or fail when
 * {@code GEMGATE_REQUIRE_PROMETHEUS=1} (as {@code .ci/run} sets it).
 */
@QuarkusTest
@TestProfile(BudgetedGatewayTest.Budgets.class)
@WithTestResource(GatewayTestResources.class)
class PrometheusObservabilityTest {
    static final Path OBSERVABILITY = Path.of("..", "observability").toAbsolutePath().normalize();
    static final Path RULES = OBSERVABILITY.resolve("prometheus/gemgate-alerts.yml");
    static final Path RULE_TESTS = OBSERVABILITY.resolve("prometheus/gemgate-alerts.test.yml");
    static final Path DASHBOARDS = OBSERVABILITY.resolve("grafana");
    static final Path RUNBOOK = OBSERVABILITY.resolve("RUNBOOK.md");
    static final Path PROMETHEUS_RULE = Path.of("..", "k8s", "base", "monitoring", "prometheusrule.yaml")
            .toAbsolutePath().normalize();

    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100%s}}";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    /** Names PromQL gives meaning to: functions are told apart by the parenthesis that follows them. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

    @TestHTTPResource("/")
    URL publicPort;

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    MicrometerResilienceMetrics resilience;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyExpressionOfTheDashboardsAndRulesRunsAgainstAPrometheusScrapingTheGateway() throws Exception {
        Path prometheus = binary("prometheus");
        String tenant = load();

        Path work = Files.createTempDirectory("prometheus-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(work.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: gemgate
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ["%s:%d"]
                """.formatted(RULES, managementPort.getHost(), managementPort.getPort()));
        Process process = new ProcessBuilder(prometheus.toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        try {
            URI api = URI.create("http://127.0.0.1:" + port);
            awaitScrapes(api, process, work.resolve("prometheus.log"));

            Set<String> exposed = new TreeSet<>();
            JSON.readTree(get(api.resolve("/api/v1/label/__name__/values")).body()).path("data")
                    .forEach(n -> exposed.add(n.asText()));
            assertThat(exposed).as("the scrape reached Prometheus")
                    .contains("gemgate_requests_total", "gemgate_stream_first_chunk_seconds_bucket",
                            "gemgate_budget_utilization_ratio", "gemgate_database_available",
                            "agroal_active_count");
            exposed.addAll(recordedNames());

            Map<String, String> expressions = new LinkedHashMap<>();
            expressions.putAll(ruleExpressions());
            expressions.putAll(dashboardExpressions(tenant));
            assertThat(expressions).hasSizeGreaterThan(30);

            List<String> problems = new ArrayList<>();
            List<String> withoutData = new ArrayList<>();
            int withData = 0;
            for (Map.Entry<String, String> e : expressions.entrySet()) {
                HttpResponse<String> answer = get(api.resolve("/api/v1/query?query="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)));
                JsonNode body = JSON.readTree(answer.body());
                if (answer.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                    problems.add(e.getKey() + ": invalid: " + body.path("error").asText() + "\n    " + e.getValue());
                    continue;
                }
                JsonNode result = body.path("data").path("result");
                if (result.isArray() && !result.isEmpty() || result.isValueNode()) {
                    withData++;
                    continue;
                }
                withoutData.add(e.getKey());
                Set<String> unknown = new TreeSet<>(metricNames(e.getValue()));
                unknown.removeAll(exposed);
                if (!unknown.isEmpty()) {
                    problems.add(e.getKey() + ": no data, and names metrics Gemgate does not expose: " + unknown
                            + "\n    " + e.getValue());
                }
            }
            System.out.printf("%d expressions, %d with data; valid without data: %s%n", expressions.size(), withData,
                    withoutData);
            assertThat(problems).as("expressions that neither return data nor name only exposed metrics").isEmpty();
            // the alert conditions are silent on a healthy gateway; the dashboards and recording rules show data
            assertThat(withData).as("expressions with data").isGreaterThan(expressions.size() / 2);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theMetricNamesOfAnExpressionAreItsSelectorsOnly() {
        assertThat(metricNames("sum by (le, model) (rate(gemgate_request_duration_seconds_bucket{operation=\"x\","
                + "le=\"10.0\"}[5m])) / on (model) group_left (tenant) max_over_time(gemgate:slo_errors:ratio_rate5m"
                + "[1h] offset 5m) > bool 0 or vector(0) and up"))
                .containsExactlyInAnyOrder("gemgate_request_duration_seconds_bucket", "gemgate:slo_errors:ratio_rate5m",
                        "up");
        assertThat(metricNames("histogram_quantile(0.99, sum(rate(made_up_metric[1m]))) * 3600 / 1e6"))
                .containsExactly("made_up_metric");
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        Result check = run(binary("promtool").toString(), "check", "rules", RULES.toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsEveryAlertFiringAndSilent() throws Exception {
        Set<String> alerts = alertNames();
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : YAML.readTree(RULE_TESTS.toFile()).path("tests")) {
            for (JsonNode alertTest : test.path("alert_rule_test")) {
                String name = alertTest.path("alertname").asText();
                (alertTest.path("exp_alerts").isEmpty() ? silent : firing).add(name);
            }
        }
        assertThat(firing).as("alerts with a firing case").containsAll(alerts);
        assertThat(silent).as("alerts with a silent case").containsAll(alerts);

        Result test = run(binary("promtool").toString(), "test", "rules", RULE_TESTS.toString());
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertSaysWhatItMeansAndPointsAtItsRunbookSection() throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(RUNBOOK)) {
            if (line.startsWith("#")) {
                anchors.add(slug(line.replaceFirst("^#+\\s*", "")));
            }
        }
        List<JsonNode> alerts = rules().stream().filter(r -> r.has("alert")).toList();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode alert : alerts) {
            String name = alert.path("alert").asText();
            JsonNode annotations = alert.path("annotations");
            assertThat(annotations.path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(annotations.path("description").asText()).as(name + " description").isNotBlank();
            assertThat(alert.path("labels").path("severity").asText()).as(name + " severity")
                    .isIn("page", "ticket", "info");
            String url = annotations.path("runbook_url").asText();
            assertThat(url).as(name + " runbook_url").contains("infra/observability/RUNBOOK.md#");
            assertThat(anchors).as(name + "'s runbook section").contains(url.substring(url.indexOf('#') + 1));
        }
    }

    @Test
    void thePrometheusOperatorRuleCarriesTheSameRules() throws IOException {
        JsonNode rule = YAML.readTree(PROMETHEUS_RULE.toFile());
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.path("spec").path("groups")).isEqualTo(YAML.readTree(RULES.toFile()).path("groups"));
    }

    @Test
    void theDashboardsAreGrafanaModelsOnAPrometheusDatasourceVariable() throws IOException {
        List<Path> files = dashboardFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        Set<String> uids = new TreeSet<>();
        boolean tenantVariable = false;
        for (Path file : files) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            assertThat(dashboard.path("title").asText()).as(file + " title").isNotBlank();
            assertThat(uids.add(dashboard.path("uid").asText())).as(file + " uid is unique").isTrue();
            assertThat(dashboard.path("schemaVersion").asInt()).as(file + " schemaVersion").isGreaterThan(30);
            List<JsonNode> variables = new ArrayList<>();
            dashboard.path("templating").path("list").forEach(variables::add);
            assertThat(variables).as(file + " datasource variable").anySatisfy(v -> {
                assertThat(v.path("type").asText()).isEqualTo("datasource");
                assertThat(v.path("query").asText()).isEqualTo("prometheus");
                assertThat(v.path("name").asText()).isEqualTo("datasource");
            });
            tenantVariable |= variables.stream().anyMatch(v -> v.path("name").asText().equals("tenant")
                    && v.path("type").asText().equals("query"));
            List<JsonNode> panels = panels(dashboard);
            assertThat(panels).as(file + " panels").isNotEmpty();
            for (JsonNode panel : panels) {
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText()).as(file + " " + panel.path("title"))
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets")).as(file + " " + panel.path("title") + " targets").isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
            }
        }
        assertThat(tenantVariable).as("a dashboard with a tenant variable").isTrue();
    }

    /**
     * A little load of every kind the dashboards show, by two fresh tenants (each has the profile's 0.002 USD daily
     * budget with alerts at 50 and 100 percent): returns the first tenant's id.
     */
    private String load() {
        String first = key("observed");
        // the test profile caches no tenant by default: this one gets a policy of its own
        given().baseUri(base(publicPort)).header("Authorization", BOOTSTRAP).contentType(ContentType.JSON)
                .body("{\"ttlSeconds\":300}").put("/admin/api/v1/tenants/" + tenantOf(first) + "/cache-policy")
                .then().statusCode(200);
        String model = "/v1beta/models/gemini-2.5-flash";
        given().baseUri(base(publicPort)).header("x-goog-api-key", first).contentType(ContentType.JSON)
                .body(BODY.formatted("")).post(model + ":generateContent").then().statusCode(200);
        given().baseUri(base(publicPort)).header("x-goog-api-key", first).contentType(ContentType.JSON)
                .body(BODY.formatted(",\"temperature\":0")).post(model + ":generateContent").then().statusCode(200);
        given().baseUri(base(publicPort)).header("x-goog-api-key", first).contentType(ContentType.JSON)
                .body(BODY.formatted(",\"temperature\":0")).post(model + ":generateContent").then().statusCode(200)
                .header("x-gemgate-cache", "hit");
        given().baseUri(base(publicPort)).header("x-goog-api-key", first).contentType(ContentType.JSON)
                .body(BODY.formatted("")).post(model + ":streamGenerateContent?alt=sse").then().statusCode(200);
        given().baseUri(base(publicPort)).header("x-goog-api-key", first).contentType(ContentType.JSON)
                .body(BODY.formatted("")).post(model + ":countTokens").then().statusCode(200);
        given().baseUri(base(publicPort)).header("x-goog-api-key", first).contentType(ContentType.JSON)
                .body(BODY.formatted("")).post("/v1beta/models/made-up-model:generateContent").then().statusCode(404);
        given().baseUri(base(publicPort)).header("x-goog-api-key", "gmg_not-a-key").contentType(ContentType.JSON)
                .body(BODY.formatted("")).post(model + ":generateContent").then().statusCode(401);

        // a 429 retried, and a model that keeps failing served by its configured fallback
        GeminiEmulator emulator = GatewayTestResources.emulator();
        String second = key("fallback");
        try {
            emulator.faults().forModel("gemini-2.5-flash").rateLimit(1, Duration.ofMillis(50));
            given().baseUri(base(publicPort)).header("x-goog-api-key", second).contentType(ContentType.JSON)
                    .body(BODY.formatted("")).post(model + ":generateContent").then().statusCode(200);
            emulator.faults().forModel("gemini-3.1-pro-preview").serverError(3, 503);
            given().baseUri(base(publicPort)).header("x-goog-api-key", key("fallback")).contentType(ContentType.JSON)
                    .body(BODY.formatted("")).post("/v1beta/models/gemini-3.1-pro-preview:generateContent")
                    .then().statusCode(200).header("x-gemgate-served-model", "gemini-3.6-flash");
        } finally {
            emulator.faults().forModel("gemini-2.5-flash").clear();
            emulator.faults().forModel("gemini-3.1-pro-preview").clear();
        }
        // what a test cannot safely provoke in a shared gateway (a rejected credential is held out for minutes, the
        // retry budget takes a storm to spend): the meters themselves, as the pool and the retry path call them
        resilience.rejected(new UpstreamCredentialId("observability-test"), 401, Instant.now());
        resilience.retryRefused(ModelId.parse("gemini-2.5-flash"));

        given().baseUri(base(managementPort)).get("/q/metrics").then().statusCode(200);
        return tenantOf(first);
    }

    private final Map<String, String> tenantsByKey = new LinkedHashMap<>();

    private String key(String name) {
        Tenant tenant = createTenant.execute(new CreateTenant.Command(name + "-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), name)).secret().reveal();
        tenantsByKey.put(key, tenant.id().toString());
        return key;
    }

    private String tenantOf(String key) {
        return tenantsByKey.get(key);
    }

    /** Waits until Prometheus is ready and has scraped the gateway at least four times. */
    private void awaitScrapes(URI api, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String query = "/api/v1/query?query=" + URLEncoder.encode("count_over_time(up{job=\"gemgate\"}[1m]) >= 4",
                StandardCharsets.UTF_8);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("prometheus exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> answer = get(api.resolve(query));
                if (answer.statusCode() == 200 && !JSON.readTree(answer.body()).path("data").path("result").isEmpty()) {
                    return;
                }
            } catch (IOException notYetListening) {
                // starting
            }
            Thread.sleep(200);
        }
        fail("prometheus did not scrape the gateway four times within 30 s: " + Files.readString(log));
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every rule of the rules file (recording and alerting). */
    static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    static Set<String> alertNames() throws IOException {
        Set<String> names = new TreeSet<>();
        rules().stream().filter(r -> r.has("alert")).forEach(r -> names.add(r.path("alert").asText()));
        return names;
    }

    private static Set<String> recordedNames() throws IOException {
        Set<String> names = new TreeSet<>();
        rules().stream().filter(r -> r.has("record")).forEach(r -> names.add(r.path("record").asText()));
        return names;
    }

    private static Map<String, String> ruleExpressions() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode rule : rules()) {
            String name = rule.has("alert") ? "alert " + rule.path("alert").asText()
                    : "record " + rule.path("record").asText();
            String key = name;
            for (int i = 2; expressions.containsKey(key); i++) {
                key = name + " #" + i;
            }
            expressions.put(key, rule.path("expr").asText());
        }
        return expressions;
    }

    /** Every target and query variable of every dashboard, with Grafana's variables given values. */
    private static Map<String, String> dashboardExpressions(String tenant) throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Path file : dashboardFiles()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            String uid = dashboard.path("uid").asText();
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asText().equals("query")) {
                    String query = variable.path("query").isObject()
                            ? variable.path("query").path("query").asText() : variable.path("query").asText();
                    Matcher labelValues = Pattern.compile("label_values\\((.*),\\s*\\w+\\)").matcher(query);
                    expressions.put(uid + " variable " + variable.path("name").asText(),
                            labelValues.matches() ? labelValues.group(1) : query);
                }
            }
            for (JsonNode panel : panels(dashboard)) {
                int i = 0;
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText()
                            .replace("$__rate_interval", "1m").replace("$__interval", "15s")
                            .replace("$__range", "1h").replace("${tenant}", tenant).replace("$tenant", tenant);
                    expressions.put(uid + " / " + panel.path("title").asText() + " #" + (++i), expr);
                }
            }
        }
        return expressions;
    }

    private static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The panels of a dashboard, those inside collapsed rows included. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            out.add(panel);
            panel.path("panels").forEach(out::add);
        }
        return out;
    }

    /**
     * The metric names an expression reads: its identifiers, once strings, label matchers, ranges, offsets and the
     * label lists of {@code by}, {@code without}, {@code on}, {@code ignoring} and {@code group_*} are taken out, that
     * are neither functions (followed by a parenthesis) nor keywords.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\boffset\\s+\\S+", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    /** The binary from Debian's {@code prometheus} package, or a skip (a failure under GEMGATE_REQUIRE_PROMETHEUS=1). */
    static Path binary(String name) {
        return InstalledTool.require(name, "prometheus", "GEMGATE_REQUIRE_PROMETHEUS");
    }

    record Result(int exit, String output) {
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static String base(URL url) {
        return ManagementInterfaceTest.base(url);
    }
}
