package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nobody can grow the metrics scrape by inventing names: requests to made-up model names, made-up paths and made-up
 * HTTP methods, sent over HTTP to the running gateway, add at most one series per metric (the first time a bounded
 * label value such as {@code model="unknown"} is seen) and nothing after that. Before the bound, each made-up model name
 * added 78 lines.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class MetricCardinalityTest {
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}";
    private static final int NAMES = 30;

    @TestHTTPResource("/")
    URL publicPort;

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    private Tenant tenant;
    private String key;

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("cardinality-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "cardinality test")).secret().reveal();
    }

    @Test
    void madeUpModelNamesAddAtMostOneSeriesPerMetricAndOnlyOnce() {
        Scrape before = scrape();
        generate("made-up-" + UUID.randomUUID());
        Scrape afterOne = scrape();

        Map<String, Set<String>> added = afterOne.seriesAddedSince(before, "gemgate_");
        // a fresh tenant: its per-tenant series are new (the duration histogram is shared by tenants, so it may exist)
        assertThat(added).containsKeys("gemgate_requests_total", "gemgate_errors_total",
                "gemgate_tokens_total{kind=prompt}", "gemgate_cost_microdollars_total");
        assertThat(added).allSatisfy((metric, series) -> assertThat(series).as(metric).singleElement()
                .satisfies(s -> assertThat(s).contains("model=\"unknown\"")));

        for (int i = 0; i < NAMES; i++) {
            generate("made-up-" + i + "-" + UUID.randomUUID());
        }
        Scrape afterMany = scrape();

        assertThat(afterMany.seriesAddedSince(afterOne, "gemgate_")).isEmpty();
        assertThat(afterMany.lines("gemgate_")).hasSameSizeAs(afterOne.lines("gemgate_"));
        assertThat(afterMany.sample("gemgate_requests_total", "model=\"unknown\"", "outcome=\"not_found\"",
                "operation=\"generate_content\"", "tenant=\"" + tenant.id() + "\"")).isEqualTo(NAMES + 1);
    }

    @Test
    void madeUpPathsMethodsAndModelNamesInUrisAddNoSeries() {
        scrape();
        // twice, so that every bounded series these requests can create exists and is recorded before the baseline
        hostileRound("warm-up-a");
        hostileRound("warm-up-b");
        Scrape before = scrape();

        for (int i = 0; i < NAMES; i++) {
            hostileRound(i + "-" + UUID.randomUUID().toString().substring(0, 8));
        }
        Scrape after = scrape();

        assertThat(after.seriesAddedSince(before, "http_server_")).isEmpty();
        assertThat(after.seriesAddedSince(before, "gemgate_")).isEmpty();
        assertThat(after.lines("http_server_")).hasSameSizeAs(before.lines("http_server_"));
        assertThat(after.lines("gemgate_")).hasSameSizeAs(before.lines("gemgate_"));
        assertThat(after.text()).doesNotContain("FOO").doesNotContain("made-up");
    }

    /** One request of every kind a caller can vary a name in, each with the made-up {@code name}. */
    private void hostileRound(String name) {
        String model = "made-up-" + name;
        for (String version : List.of("v1beta", "v1")) {
            given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                    .post("/" + version + "/models/" + model + ":generateContent").then().statusCode(404);
        }
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/" + model + ":countTokens").then().statusCode(404);
        given().header("x-goog-api-key", key).get("/v1beta/models/" + model).then().statusCode(404);
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/gemini-2.5-flash:" + model).then().statusCode(404);
        given().contentType(ContentType.JSON).body(HELLO).post("/v1beta/models/" + model + ":generateContent")
                .then().statusCode(401);
        given().get("/made-up-path-" + name).then().statusCode(404);
        given().post("/v1beta/made-up-" + name).then().statusCode(404);
        given().get("/q/made-up-" + name).then().statusCode(404);
        given().get("/admin/made-up-" + name).then().statusCode(404);
        // what an HTTP client library will not send: these used to put the raw path or method into a label
        assertThat(raw("GET /made-up-query-" + name + "?x=%zz HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo(400);
        assertThat(raw("POST /made-up-large-" + name + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 100000000\r\n\r\n")).isEqualTo(413);
        assertThat(raw("FOO" + name.replaceAll("[^A-Za-z0-9]", "").toUpperCase()
                + " /v1beta/models HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo(405);
    }

    private void generate(String model) {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/" + model + ":generateContent").then().statusCode(404);
    }

    /** Sends {@code request} as is on a fresh connection; returns the response's status code. */
    private int raw(String request) {
        try (Socket socket = new Socket(publicPort.getHost(), publicPort.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                statusLine.append((char) c);
            }
            Matcher m = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ").matcher(statusLine);
            assertThat(m.lookingAt()).as("status line: " + statusLine).isTrue();
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Scrape scrape() {
        return new Scrape(given().baseUri(ManagementInterfaceTest.base(managementPort)).get("/q/metrics")
                .then().statusCode(200).extract().asString());
    }

    /** One Prometheus text scrape. */
    record Scrape(String text) {
        private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");
        private static final Pattern SUFFIX = Pattern.compile("_(bucket|count|sum)$");

        List<String> lines(String prefix) {
            return text.lines().filter(l -> l.startsWith(prefix)).toList();
        }

        /**
         * The series of each metric whose name starts with {@code prefix}: a histogram's buckets, count and sum are one
         * series (its labels without {@code le}), and the kinds of {@code gemgate_tokens_total} are metrics of their own.
         */
        Map<String, Set<String>> series(String prefix) {
            Map<String, Set<String>> byMetric = new TreeMap<>();
            for (String line : lines(prefix)) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String labels = m.group(2) == null ? "{}" : m.group(2).replaceAll(",?le=\"[^\"]*\"", "")
                        .replace("{,", "{");
                String metric = SUFFIX.matcher(m.group(1)).replaceFirst("");
                Matcher kind = Pattern.compile("kind=\"([^\"]*)\"").matcher(labels);
                if (kind.find()) {
                    metric += "{kind=" + kind.group(1) + "}";
                }
                byMetric.computeIfAbsent(metric, k -> new TreeSet<>()).add(labels);
            }
            return byMetric;
        }

        Map<String, Set<String>> seriesAddedSince(Scrape earlier, String prefix) {
            Map<String, Set<String>> then = earlier.series(prefix);
            return series(prefix).entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue().stream()
                            .filter(s -> !then.getOrDefault(e.getKey(), Set.of()).contains(s))
                            .collect(Collectors.toCollection(TreeSet::new))))
                    .filter(e -> !e.getValue().isEmpty())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        }

        /** The value of the one sample of {@code name} whose labels contain every one of {@code labels}. */
        double sample(String name, String... labels) {
            List<String> matching = lines(name + "{").stream()
                    .filter(l -> List.of(labels).stream().allMatch(l::contains)).toList();
            assertThat(matching).as(name + " with " + List.of(labels)).hasSize(1);
            return Double.parseDouble(matching.get(0).substring(matching.get(0).lastIndexOf(' ') + 1));
        }
    }
}
