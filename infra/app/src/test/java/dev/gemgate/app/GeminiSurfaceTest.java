package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** The tenant REST surface as any HTTP client sees it: envelopes, headers, pass-through, metrics, audit. */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiSurfaceTest {
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}";

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    private Tenant tenant;
    private String key;

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("surface-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "surface test")).secret().reveal();
    }

    @Test
    void theKeyIsAcceptedFromTheHeaderTheQueryAndABearerToken() {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                .then().statusCode(200).body("candidates[0].content.parts[0].text", equalTo("Echo: Hello"));
        given().queryParam("key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                .then().statusCode(200);
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                .then().statusCode(200);
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1/models/models/gemini-2.5-flash:generateContent".replace("models/models/", "models/"))
                .then().statusCode(200);
    }

    @Test
    void everyResponseCarriesAServerRequestIdAndEchoesTheCallersOwn() {
        String serverId = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post(GENERATE).then().statusCode(200).header("x-request-id", matchesPattern("[0-9a-f-]{36}"))
                .extract().header("x-gemgate-request-id");
        assertThat(serverId).matches("[0-9a-f-]{36}");
        // the caller's id is echoed and kept for correlation; the server id, never the caller's, names the request
        String refused = given().header("x-request-id", "caller-chosen-id-42").contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE)
                .then().statusCode(401).header("x-request-id", "caller-chosen-id-42")
                .header("x-gemgate-request-id", matchesPattern("[0-9a-f-]{36}"))
                .extract().path("error.details.find { it.'@type'.endsWith('RequestInfo') }.requestId");
        assertThat(refused).matches("[0-9a-f-]{36}");
        String again = given().header("x-request-id", "caller-chosen-id-42").contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE).then().statusCode(401)
                .extract().path("error.details.find { it.'@type'.endsWith('RequestInfo') }.requestId");
        assertThat(again).isNotEqualTo(refused);
    }

    /**
     * The reply is forwarded as the upstream wrote it, not written again from its parse: the same bytes as the
     * emulator's own answer to the same request (its answers are deterministic), whatever Gemgate's JSON writer would
     * make of them. The adapter keeps the text (RawUpstreamTest); this holds the surface to forwarding it.
     */
    @Test
    void theReplyIsTheUpstreamsBytes() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"bytes \u00e9 "
                + UUID.randomUUID() + "\"}]}],\"generationConfig\":{\"temperature\":0.7}}";
        byte[] viaGemgate = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body)
                .post(GENERATE).then().statusCode(200).extract().asByteArray();
        byte[] direct = given().baseUri(GatewayTestResources.emulator().baseUrl())
                .header("x-goog-api-key", UpstreamProducers.EMULATOR_KEY).contentType(ContentType.JSON).body(body)
                .post(GENERATE).then().statusCode(200).extract().asByteArray();

        assertThat(new String(viaGemgate, StandardCharsets.UTF_8)).isEqualTo(new String(direct, StandardCharsets.UTF_8));
    }

    @Test
    void unknownFieldsReachTheUpstreamUntouched() {
        GatewayTestResources.emulator().clearRecordedRequests();
        String body = """
                {"contents":[{"role":"user","parts":[{"text":"Hello","futurePartField":{"x":1}}]}],
                 "generationConfig":{"maxOutputTokens":50,"futureConfigKnob":"on"},
                 "futureTopLevelField":[1,2,3]}""";
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body).post(GENERATE)
                .then().statusCode(200);

        List<RecordedRequest> seen = GatewayTestResources.emulator().recordedRequests();
        assertThat(seen).filteredOn(r -> r.path().endsWith(":generateContent")).singleElement().satisfies(r -> {
            assertThat(r.body()).contains("\"futureTopLevelField\":[1,2,3]")
                    .contains("\"futureConfigKnob\":\"on\"")
                    .contains("\"futurePartField\":{\"x\":1}")
                    .doesNotContain(key);
            assertThat(r.headers().get("x-goog-api-key")).containsExactly(UpstreamProducers.EMULATOR_KEY);
        });
    }

    @Test
    void theTenantsBodyReachesTheUpstreamByteForByte() {
        GatewayTestResources.emulator().clearRecordedRequests();
        // what a parsed-and-rewritten tree loses: 1e-400 (0.0), -0 (0), 1.50 (1.5), escapes, key order, spacing
        String body = "{\n  \"generationConfig\" : {\"temperature\": 1e-400, \"seed\":-0, \"topP\" : 1.50},\r\n"
                + "\t\"contents\": [ {\"parts\":[{\"text\":\"caf\\u00e9 \u00e9\\/x\"}], \"role\":\"user\"} ],"
                + "  \"zz\":{\"b\":[1.0E2, -0.0],\"a\":null}\n}\n";
        given().header("x-goog-api-key", key).contentType("application/json; charset=utf-8")
                .body(body.getBytes(StandardCharsets.UTF_8)).post(GENERATE)
                .then().statusCode(200).body("candidates[0].content.parts[0].text", equalTo("Echo: café é/x"));

        assertThat(GatewayTestResources.emulator().recordedRequests())
                .filteredOn(r -> r.path().endsWith(":generateContent")).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo(body));
    }

    @Test
    void numbersBeyondTheirRangeAreRefusedBeforeTheUpstream() {
        GatewayTestResources.emulator().clearRecordedRequests();
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                        .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                                + "\"generationConfig\":{\"maxOutputTokens\":18446744073709551617}}").post(GENERATE),
                400, "INVALID_ARGUMENT", "18446744073709551617 at generationConfig.maxOutputTokens is an integer "
                        + "beyond the 64-bit range");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                        .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"tools\":[{\"x\":1e400}]}")
                        .post(GENERATE),
                400, "INVALID_ARGUMENT", "1e400 at tools[0].x is a number beyond the range of a double");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                        .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                                + "\"generationConfig\":{\"seed\":4294967297}}").post(GENERATE),
                400, "INVALID_ARGUMENT", "generationConfig.seed must be a whole number from -2147483648 to "
                        + "2147483647 (int32); got 4294967297");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                        .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"x\":" + "[".repeat(200)
                                + "]".repeat(200) + "}").post(GENERATE),
                400, "INVALID_ARGUMENT", "is nested more than 128 levels deep");
        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();
    }

    @Test
    void aNineteenMebibyteImageReachesTheUpstreamAndIsAnswered() {
        GatewayTestResources.emulator().clearRecordedRequests();
        // a real PNG header: inline data is checked by its bytes
        String image = dev.gemgate.domain.fakes.MediaSamples.base64(dev.gemgate.domain.fakes.MediaSamples.concat(
                dev.gemgate.domain.fakes.MediaSamples.png(1, 1), new byte[19 * 1024 * 1024 - 100]));
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"Describe\"},{\"inlineData\":{\"mimeType\":"
                + "\"image/png\",\"data\":\"" + image + "\"}}]}]}";

        given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(body.getBytes(StandardCharsets.UTF_8)).post(GENERATE)
                .then().statusCode(200).body("candidates[0].content.parts[0].text", equalTo("Echo: Describe"))
                .body("usageMetadata.promptTokenCount", equalTo(2 + 258));
        assertThat(GatewayTestResources.emulator().recordedRequests()).hasSize(1);
    }

    @Test
    void badInputGetsAPreciseErrorInGeminisEnvelope() {
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON).body("{\"contents\": [").post(GENERATE),
                400, "INVALID_ARGUMENT", "Invalid JSON payload");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON).body("[1,2]").post(GENERATE),
                400, "INVALID_ARGUMENT", "must be a JSON object");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON).body("{}").post(GENERATE),
                400, "INVALID_ARGUMENT", "contents is not specified");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                        .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"maxOutputTokens\":-5}}")
                        .post(GENERATE),
                400, "INVALID_ARGUMENT", "maxOutputTokens");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                        .post("/v1beta/models/gemini-0-unknown:generateContent"),
                404, "NOT_FOUND", "models/gemini-0-unknown");
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                        .post("/v1beta/models/gemini-2.5-flash:frobnicate"),
                404, "NOT_FOUND", "frobnicate");
        expectError(given().contentType(ContentType.JSON).body(HELLO).post(GENERATE),
                401, "UNAUTHENTICATED", "API key");
        expectError(given().header("x-goog-api-key", "not-a-gemgate-key").contentType(ContentType.JSON).body(HELLO)
                .post(GENERATE), 401, "UNAUTHENTICATED", "API key not valid");
        expectError(given().header("x-goog-api-key", key).get("/v1beta/nothing-here"), 404, "NOT_FOUND", "No such");
    }

    @Test
    void anOversizedBodyIsRefusedInTheEnvelopeBeforeTheUpstream() {
        GatewayTestResources.emulator().clearRecordedRequests();
        String image = "A".repeat(28 * 1024 * 1024); // 21 MiB decoded, over the 20 MiB default
        String body = "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + image
                + "\"}}]}]}";
        expectError(given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body).post(GENERATE),
                400, "INVALID_ARGUMENT", "payload size exceeds the limit");
        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();
    }

    @Inject
    UpstreamGate upstreamGate;

    @Test
    void upstreamFailuresKeepGeminisStatusAndRetryDelay() {
        // a deadline (2 s) shorter than Google's delay (7 s): the retry cannot wait for it, so Google's 429 is answered
        GatewayTestResources.emulator().faults().rateLimit(1, Duration.ofSeconds(7));
        given().header("x-goog-api-key", key).header("X-Server-Timeout", "2").contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE)
                .then().statusCode(429).header("Retry-After", "7")
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.details.'@type'", hasItem("type.googleapis.com/google.rpc.RetryInfo"));
        // the gate now cools this model down for the 7 s Google asked for (UpstreamRateLimitStormTest checks that);
        // forgotten here so that the next call reaches the upstream, as do the tests after this one
        upstreamGate.clear();
        // a 503 that lasts: retried (3 attempts), then answered with the attempts and the last status
        GatewayTestResources.emulator().faults().serverError(3, 503);
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                .then().statusCode(503).body("error.status", equalTo("UNAVAILABLE"))
                .body("error.message", containsString("(after 3 attempts; the last answered HTTP 503)"))
                .body("error.details.find { it.'@type'.endsWith('ErrorInfo') }.metadata.attempts", equalTo("3"));
        GatewayTestResources.emulator().faults().clear();
    }

    @Test
    void eachCallIsAuditedWithTokensAndCostButNeverThePrompt() {
        given().header("x-goog-api-key", key).header("x-request-id", "audit-check-0001").contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"secret plans for the weekend\"}]}]}").post(GENERATE)
                .then().statusCode(200);
        // the event is appended before the response is sent, and query() flushes the batching writer first
        List<AuditEvent> events = auditLog.query(new AuditQuery(Optional.of(tenant.id()),
                Optional.of(AuditEventType.GENERATE_CONTENT), Instant.EPOCH, Instant.now().plusSeconds(60), 10));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.correlationId()).contains("audit-check-0001");
            assertThat(e.requestId().value()).isNotEqualTo("audit-check-0001").matches("[0-9a-f-]{36}");
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.usage().promptTokens()).isPositive();
            assertThat(e.cost().micros()).isPositive();
            assertThat(e.promptHash()).isPresent();
            assertThat(e.toString()).doesNotContain("weekend");
        });
    }

    @Test
    void metricsCountRequestsTokensAndErrorsByTenantModelAndOutcome() {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                .then().statusCode(200);
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/gemini-0-unknown:generateContent").then().statusCode(404);
        String tenantLabel = "tenant=\"" + tenant.id() + "\"";
        given().baseUri(ManagementInterfaceTest.base(managementPort)).get("/q/metrics").then().statusCode(200)
                .body(containsString("gemgate_requests_total{model=\"gemini-2.5-flash\",operation=\"generate_content\","
                        + "outcome=\"success\"," + tenantLabel + "} 1.0"))
                .body(containsString("gemgate_errors_total{model=\"unknown\",operation=\"generate_content\","
                        + "outcome=\"not_found\"," + tenantLabel + "} 1.0"))
                .body(containsString("gemgate_tokens_total{kind=\"output\",model=\"gemini-2.5-flash\"," + tenantLabel))
                .body(containsString("gemgate_request_duration_seconds_bucket"))
                .body(not(containsString("gemgate_errors_total{model=\"gemini-2.5-flash\",operation=\"generate_content\","
                        + "outcome=\"success\"")));
    }

    @Test
    void healthIsUpWithTheDatabase() {
        given().baseUri(ManagementInterfaceTest.base(managementPort)).get("/q/health").then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    @Test
    void thePortalSaysPlainlyThatTheUpstreamIsEmulated() {
        given().get("/admin").then().statusCode(200).body(containsString("Emulated upstream"));
    }

    private static void expectError(io.restassured.response.Response response, int code, String status,
                                    String messagePart) {
        response.then().statusCode(code).contentType(ContentType.JSON)
                .body("error.code", equalTo(code))
                .body("error.status", equalTo(status))
                .body("error.message", containsString(messagePart))
                .header("x-request-id", notNullValue());
    }
}
