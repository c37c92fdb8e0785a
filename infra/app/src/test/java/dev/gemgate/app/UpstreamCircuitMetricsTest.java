package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.FaultPlan;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A burst of 503s from the upstream (the emulator over HTTP) opens the circuit of that credential x model: the gateway
 * then answers 503 without calling the upstream, and /q/metrics shows the circuit open. The model is one no other test
 * of the shared boot calls, so the open circuit stays this test's business.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class UpstreamCircuitMetricsTest {
    private static final String MODEL = "gemini-3.1-pro-preview";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}";
    private static final UpstreamCredentialId CREDENTIAL = new UpstreamCredentialId("configured-emulator");

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    UpstreamCircuits circuits;

    private final FaultPlan faults = GatewayTestResources.emulator().faults().forModel(MODEL);

    @AfterEach
    void clearFaults() {
        faults.clear();
    }

    @Test
    void aBurstOf503sOpensTheCircuitAndTheGaugeShowsIt() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("circuit-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "circuit test")).secret().reveal();
        faults.serverError(-1, 503);

        int failures = 0;
        while (circuits.state(CREDENTIAL, ModelId.parse(MODEL)) != CircuitState.OPEN) {
            assertThat(failures).as("the circuit opened within twice its window").isLessThan(40);
            generate(key).then().statusCode(503).body("error.status", equalTo("UNAVAILABLE"));
            failures++;
        }
        assertThat(failures).as("the default window: 20 calls").isLessThanOrEqualTo(20);

        GatewayTestResources.emulator().clearRecordedRequests();
        generate(key).then().statusCode(503).body("error.status", equalTo("UNAVAILABLE"))
                .body("error.message", containsString("the circuit for models/" + MODEL
                        + " on credential configured-emulator is open"));
        assertThat(GatewayTestResources.emulator().recordedRequests()).as("refused without calling the upstream")
                .noneMatch(r -> r.path().contains(MODEL));

        String metrics = given().baseUri(ManagementInterfaceTest.base(managementPort)).get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertThat(metrics).contains("gemgate_upstream_circuit_state{credential=\"configured-emulator\",model=\""
                + MODEL + "\"} 2.0");
        assertThat(metrics).contains("gemgate_upstream_circuit_opened_total{credential=\"configured-emulator\",model=\""
                + MODEL + "\"} 1.0");
        assertThat(metrics).doesNotContain(UpstreamProducers.EMULATOR_KEY);
    }

    private static Response generate(String key) {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE);
    }
}
