package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-references of infra/k8s (no cluster here to apply them to): probes and scraping go to the management
 * port, which is the port the app's management interface listens on, and the Service exposes the tenant port only.
 */
class KubernetesManifestTest {
    private static final Path K8S = Path.of("..", "k8s");

    private static List<JsonNode> gemgate;
    private static JsonNode podMonitor;
    private static Properties app;

    @BeforeAll
    static void read() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        gemgate = yaml.readerFor(JsonNode.class).<JsonNode>readValues(K8S.resolve("gemgate.yaml").toFile()).readAll();
        podMonitor = yaml.readTree(K8S.resolve("podmonitor.yaml").toFile());
        app = new Properties();
        try (InputStream in = KubernetesManifestTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
    }

    @Test
    void theContainerPortsAreTheAppsPorts() {
        assertThat(app.getProperty("quarkus.management.enabled")).isEqualTo("true");
        assertThat(containerPort("http")).isEqualTo(Integer.parseInt(app.getProperty("quarkus.http.port")));
        assertThat(containerPort("management"))
                .isEqualTo(Integer.parseInt(app.getProperty("quarkus.management.port", "9000")));
    }

    @Test
    void everyProbeCallsTheManagementPortsHealthEndpoints() {
        JsonNode container = container();
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("management");
            assertThat(get.path("path").asText()).as(probe).startsWith("/q/health/");
        }
    }

    @Test
    void theServiceExposesTheTenantPortOnly() {
        JsonNode ports = kind("Service").path("spec").path("ports");
        assertThat(ports).isNotEmpty();
        for (JsonNode port : ports) {
            assertThat(port.path("targetPort").asText()).isEqualTo("http");
            assertThat(port.path("port").asInt()).isNotEqualTo(containerPort("management"));
        }
    }

    @Test
    void prometheusScrapesTheManagementPort() {
        JsonNode annotations = kind("Deployment").path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText())
                .isEqualTo(String.valueOf(containerPort("management")));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");

        assertThat(podMonitor.path("kind").asText()).isEqualTo("PodMonitor");
        assertThat(podMonitor.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(kind("Deployment").path("spec").path("template").path("metadata").path("labels"));
        assertThat(podMonitor.path("spec").path("podMetricsEndpoints")).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.path("port").asText()).isEqualTo("management");
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        });
    }

    private static JsonNode kind(String kind) {
        List<JsonNode> found = new ArrayList<>();
        gemgate.stream().filter(d -> d.path("kind").asText().equals(kind)).forEach(found::add);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static JsonNode container() {
        JsonNode containers = kind("Deployment").path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static int containerPort(String name) {
        for (JsonNode port : container().path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }
}
