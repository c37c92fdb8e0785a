package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/k8s checked against the app (no cluster here to apply it to): the manifests pass yamllint, the base and the
 * production overlay render with {@code kubectl kustomize}, and the rendered production objects agree with the
 * application's configuration and with the running app: ports, probes and scraping on the management port (which the
 * app serves them on), the tenant port alone in the Service, a grace period that covers the drain, every secret key
 * templated and documented, and the HPA's metrics served by the Prometheus adapter from series the app exposes.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class KubernetesManifestTest {
    private static final Path K8S = Path.of("..", "k8s");
    /** Set to 1 by .ci/run: a missing yamllint or kubectl fails these tests instead of skipping them. */
    static final String REQUIRE_OPS_TOOLS = "GEMGATE_REQUIRE_OPS_TOOLS";

    private static Path kubectl;
    private static List<JsonNode> production;
    private static List<JsonNode> base;
    private static Properties app;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @TestHTTPResource("/")
    URL tenantPort;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void render() throws IOException {
        kubectl = requireTool("kubectl", "kubernetes-client");
        production = kustomize(K8S.resolve("overlays/production"));
        base = kustomize(K8S.resolve("base"));
        app = new Properties();
        try (InputStream in = KubernetesManifestTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
    }

    @Test
    void theManifestsPassYamllint() {
        Path yamllint = requireTool("yamllint", "yamllint");
        // strict: warnings fail too (.yamllint configures the rules)
        Result lint = run(yamllint.toString(), "-s", "-c", K8S.resolve(".yamllint").toString(), K8S.toString());
        assertThat(lint.exit()).as(lint.output()).isZero();
    }

    @Test
    void productionPutsEveryObjectInItsNamespaceAndUsesTheRegistryImage() {
        for (JsonNode object : production) {
            if (!Set.of("Namespace").contains(object.path("kind").asText())) {
                assertThat(object.path("metadata").path("namespace").asText()).as(describe(object))
                        .isEqualTo("gemgate");
            }
        }
        assertThat(container(production).path("image").asText()).startsWith("registry.example.com/");
        assertThat(kinds(base)).contains("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "NetworkPolicy", "ConfigMap", "ServiceAccount");
    }

    @Test
    void theContainerPortsAreTheAppsPorts() {
        assertThat(app.getProperty("quarkus.management.enabled")).isEqualTo("true");
        assertThat(containerPort("http")).isEqualTo(Integer.parseInt(app.getProperty("quarkus.http.port")));
        assertThat(containerPort("management"))
                .isEqualTo(Integer.parseInt(app.getProperty("quarkus.management.port", "9000")));
    }

    @Test
    void everyProbeCallsAHealthEndpointTheManagementInterfaceServes() throws Exception {
        JsonNode container = container(production);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("management");
            assertThat(get(get.path("path").asText())).as(probe + " " + get.path("path").asText()).isEqualTo(200);
        }
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/started");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
    }

    @Test
    void noServiceExposesTheManagementPort() {
        List<JsonNode> services = ofKind(production, "Service");
        assertThat(services).isNotEmpty();
        for (JsonNode service : services) {
            for (JsonNode port : service.path("spec").path("ports")) {
                assertThat(port.path("targetPort").asText()).as(describe(service)).isEqualTo("http");
                assertThat(port.path("port").asInt()).isNotEqualTo(containerPort("management"));
            }
        }
    }

    @Test
    void prometheusScrapesTheManagementPortWhereTheAppServesItsMetrics() throws Exception {
        JsonNode template = single(production, "Deployment").path("spec").path("template");
        JsonNode annotations = template.path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText())
                .isEqualTo(String.valueOf(containerPort("management")));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
        assertThat(get("/q/metrics")).isEqualTo(200);

        JsonNode podMonitor = single(production, "PodMonitor");
        JsonNode podLabels = template.path("metadata").path("labels");
        podMonitor.path("spec").path("selector").path("matchLabels").properties()
                .forEach(label -> assertThat(podLabels.path(label.getKey())).isEqualTo(label.getValue()));
        assertThat(podMonitor.path("spec").path("podMetricsEndpoints")).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.path("port").asText()).isEqualTo("management");
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        });
    }

    @Test
    void theGracePeriodCoversTheDrainAndTheAuditFlush() {
        Duration delay = duration(app.getProperty("%prod.quarkus.shutdown.delay"));
        Duration timeout = duration(app.getProperty("quarkus.shutdown.timeout"));
        long grace = single(production, "Deployment").path("spec").path("template").path("spec")
                .path("terminationGracePeriodSeconds").asLong();
        // at least 5 s after the drain for the audit log's flush and the JVM's exit
        assertThat(grace).isGreaterThanOrEqualTo(delay.plus(timeout).plusSeconds(5).toSeconds());
    }

    @Test
    void everySecretKeyUsedHasATemplateWithoutAValueAndIsDocumented() throws IOException {
        Set<String> templated = new TreeSet<>();
        try (Stream<Path> files = Files.list(K8S.resolve("secrets"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".example.yaml")).toList()) {
                JsonNode secret = new YAMLMapper().readTree(file.toFile());
                assertThat(secret.path("kind").asText()).isEqualTo("Secret");
                secret.path("stringData").properties().forEach(entry -> {
                    assertThat(entry.getValue().asText()).as("a template holds no value: " + file).isEmpty();
                    templated.add(secret.path("metadata").path("name").asText() + "/" + entry.getKey());
                });
            }
        }
        String readme = Files.readString(K8S.resolve("README.md"));
        List<String> used = new ArrayList<>();
        for (JsonNode env : container(production).path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                String key = ref.path("name").asText() + "/" + ref.path("key").asText();
                used.add(key);
                assertThat(templated).as("templated secret keys").contains(key);
                assertThat(readme).as("infra/k8s/README.md documents " + key).contains("`" + key + "`");
                assertThat(readme).as("infra/k8s/README.md names " + env.path("name").asText())
                        .contains(env.path("name").asText());
            }
        }
        assertThat(used).contains("gemgate-database/password", "gemgate-master-key/vault-master-key",
                "gemgate-oidc/client-secret");
        assertThat(templated).containsExactlyInAnyOrderElementsOf(used);
    }

    @Test
    void theAutoscalerScalesTheDeploymentOnCpuAndOnAMetricTheAdapterServesFromTheAppsSeries() throws Exception {
        JsonNode hpa = single(production, "HorizontalPodAutoscaler");
        JsonNode deployment = single(production, "Deployment");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        assertThat(hpa.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.path("spec").has("replicas")).as("the HPA owns the replicas").isFalse();

        JsonNode adapter = new YAMLMapper().readTree(K8S.resolve("prometheus-adapter/values.yaml").toFile());
        // one request on the tenant port first: the server's meters exist once it has served one
        http.send(HttpRequest.newBuilder(URI.create("http://" + management.getHost() + ":" + tenantPort.getPort()
                + "/v1beta/models")).build(), HttpResponse.BodyHandlers.discarding());
        String metrics = body("/q/metrics");
        List<String> kinds = new ArrayList<>();
        for (JsonNode metric : hpa.path("spec").path("metrics")) {
            String type = metric.path("type").asText();
            kinds.add(type);
            if (type.equals("Resource")) {
                assertThat(metric.path("resource").path("name").asText()).isEqualTo("cpu");
                continue;
            }
            String name = metric.path(type.toLowerCase(Locale.ROOT)).path("metric").path("name").asText();
            JsonNode rule = null;
            for (JsonNode candidate : adapter.path("rules").path("custom")) {
                if (candidate.path("name").path("as").asText().equals(name)) {
                    rule = candidate;
                }
            }
            assertThat(rule).as("a Prometheus adapter rule serves " + name).isNotNull();
            String series = rule.path("seriesQuery").asText().replaceAll("\\{.*", "").trim();
            assertThat(metrics.lines().filter(l -> !l.startsWith("#"))
                    .anyMatch(l -> l.startsWith(series + "{") || l.startsWith(series + " ")))
                    .as("the running app exposes " + series + " on /q/metrics; it has "
                            + metrics.lines().filter(l -> l.startsWith(series.substring(0, 12))).toList()).isTrue();
        }
        assertThat(kinds).contains("Resource", "Pods");
    }

    @Test
    void theDisruptionBudgetAndTheNetworkPolicySelectTheGatewaysPods() {
        JsonNode podLabels = single(production, "Deployment").path("spec").path("template").path("metadata")
                .path("labels");
        for (String kind : List.of("PodDisruptionBudget", "NetworkPolicy")) {
            JsonNode selector = kind.equals("NetworkPolicy")
                    ? single(production, kind).path("spec").path("podSelector")
                    : single(production, kind).path("spec").path("selector");
            assertThat(selector.path("matchLabels").properties()).as(kind).isNotEmpty();
            selector.path("matchLabels").properties()
                    .forEach(label -> assertThat(podLabels.path(label.getKey())).as(kind).isEqualTo(label.getValue()));
        }
        Set<String> admitted = new TreeSet<>();
        for (JsonNode rule : single(production, "NetworkPolicy").path("spec").path("ingress")) {
            rule.path("ports").forEach(p -> admitted.add(p.path("port").asText()));
        }
        assertThat(admitted).containsExactlyInAnyOrder("http", "management");
    }

    private int get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(onManagementPort(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String body(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(onManagementPort(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private URI onManagementPort(String path) {
        return URI.create("http://" + management.getHost() + ":" + management.getPort() + path);
    }

    private static Duration duration(String value) {
        assertThat(value).as("a duration in application.properties").isNotNull();
        return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
    }

    private record Result(int exit, String output) {
    }

    private static Path requireTool(String tool, String debianPackage) {
        return InstalledTool.require(tool, debianPackage, REQUIRE_OPS_TOOLS);
    }

    private static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(command[0] + " must be installed (.ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> kustomize(Path directory) throws IOException {
        Result rendered = run(kubectl.toString(), "kustomize", directory.toString());
        assertThat(rendered.exit()).as(rendered.output()).isZero();
        return new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(rendered.output()).readAll();
    }

    private static Set<String> kinds(List<JsonNode> objects) {
        Set<String> kinds = new TreeSet<>();
        objects.forEach(o -> kinds.add(o.path("kind").asText()));
        return kinds;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode single(List<JsonNode> objects, String kind) {
        List<JsonNode> found = ofKind(objects, kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static String describe(JsonNode object) {
        return object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
    }

    private static JsonNode container(List<JsonNode> objects) {
        JsonNode containers = single(objects, "Deployment").path("spec").path("template").path("spec")
                .path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static int containerPort(String name) {
        for (JsonNode port : container(production).path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }
}
