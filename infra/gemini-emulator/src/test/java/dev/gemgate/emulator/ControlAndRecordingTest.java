package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlAndRecordingTest extends EmulatorTestBase {
    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";


    @BeforeEach
    void reset() {
        emulator.faults().clear();
        emulator.clearRecordedRequests();
    }

    EmulatorClient.Reply control(String method, String path, String body) {
        HttpRequest.Builder builder = client.request(path);
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(builder.build());
    }

    @Test
    void recordsRequestsWithLowerCaseHeadersBodyAndUnknownFields() {
        Instant before = Instant.now();
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"brandNewField\":{\"x\":1}}";
        HttpRequest request = client.request(GENERATE + "?foo=bar").header("x-goog-api-key", "tenant-key-1")
                .header("X-Goog-Api-Client", "google-genai-sdk/2.0.0 gl-java/25")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThat(client.send(request).status()).isEqualTo(200);

        List<RecordedRequest> recorded = emulator.recordedRequests();
        assertThat(recorded).hasSize(1);
        RecordedRequest r = recorded.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo(GENERATE);
        assertThat(r.query()).isEqualTo("foo=bar");
        assertThat(r.headers()).containsKey("x-goog-api-key").containsKey("x-goog-api-client").containsKey("content-type");
        assertThat(r.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
        assertThat(r.header("X-Goog-Api-Key")).isEqualTo("tenant-key-1");
        assertThat(r.apiKey()).isEqualTo("tenant-key-1");
        assertThat(r.body()).isEqualTo(body).contains("brandNewField");
        assertThat(r.receivedAt()).isBetween(before.minusMillis(1), Instant.now());
    }

    @Test
    void recordsFailedAndFaultedCallsButNotControlCalls() {
        emulator.faults().serverError(1, 503);
        client.post(GENERATE, EmulatorClient.userText("x"));
        client.post("/v1beta/models/nope:generateContent", EmulatorClient.userText("x"));
        client.get("/emulator/health");
        control("GET", "/emulator/requests", null);
        assertThat(emulator.recordedRequests()).extracting(RecordedRequest::path)
                .containsExactly(GENERATE, "/v1beta/models/nope:generateContent");
    }

    @Test
    void keepsOnlyTheLastTenThousand() {
        try (GeminiEmulator own = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build())) {
            for (int i = 0; i < GeminiEmulator.RECORDED_REQUESTS_CAPACITY + 5; i++) {
                own.record(new RecordedRequest("POST", "/p" + i, "", java.util.Map.of(), "", Instant.now()));
            }
            List<RecordedRequest> recorded = own.recordedRequests();
            assertThat(recorded).hasSize(GeminiEmulator.RECORDED_REQUESTS_CAPACITY);
            assertThat(recorded.get(0).path()).isEqualTo("/p5");
        }
    }

    @Test
    void keepsBodiesUpToACharacterBudgetAndAlwaysTheNewest() {
        try (GeminiEmulator own = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build())) {
            String third = "x".repeat((int) (GeminiEmulator.RECORDED_BODY_CHARS_CAPACITY / 3) + 1);
            for (int i = 0; i < 3; i++) {
                own.record(new RecordedRequest("POST", "/p" + i, "", java.util.Map.of(), third, Instant.now()));
            }
            assertThat(own.recordedRequests()).extracting(RecordedRequest::path).containsExactly("/p1", "/p2");

            String overTheBudget = "y".repeat((int) GeminiEmulator.RECORDED_BODY_CHARS_CAPACITY + 1);
            own.record(new RecordedRequest("POST", "/big", "", java.util.Map.of(), overTheBudget, Instant.now()));
            assertThat(own.recordedRequests()).extracting(RecordedRequest::path).containsExactly("/big");
        }
    }

    @Test
    void recordingIsOffUnlessAskedForAndSaysSoWhenRead() {
        try (GeminiEmulator own = GeminiEmulator.start(0)) {
            EmulatorClient ownClient = new EmulatorClient(own);
            assertThat(ownClient.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
            assertThatThrownBy(own::recordedRequests).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("recordRequests(true)");
            EmulatorClient.Reply listed = ownClient.send(ownClient.request("/emulator/requests").GET().build());
            assertThat(listed.status()).isEqualTo(400);
            assertThat(listed.json().path("error").path("status").asText()).isEqualTo("FAILED_PRECONDITION");
        }
    }

    @Test
    void healthIs200() {
        EmulatorClient.Reply reply = control("GET", "/emulator/health", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void aRateLimitFaultOverHttpMayNameItsQuotaId() {
        JsonNode added = control("POST", "/emulator/faults", "[{\"type\":\"RATE_LIMIT\",\"retryDelayMillis\":1000,"
                + "\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"},"
                + "{\"type\":\"RATE_LIMIT\",\"retryDelayMillis\":1000}]").json();
        assertThat(added.get(0).path("quotaId").asText()).isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(added.get(1).path("quotaId").asText()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel");

        EmulatorClient.Reply limited = client.post(GENERATE, EmulatorClient.userText("x"));
        assertThat(FaultsTest.find(limited.json().at("/error/details"), "type.googleapis.com/google.rpc.QuotaFailure")
                .path("violations").get(0).path("quotaId").asText())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        EmulatorClient.Reply bad = control("POST", "/emulator/faults",
                "{\"type\":\"RATE_LIMIT\",\"quotaId\":\"not a quota\"}");
        assertThat(bad.status()).isEqualTo(400);
        emulator.faults().clear();
    }

    @Test
    void faultsCanBeAddedListedAndClearedOverHttp() {
        EmulatorClient.Reply added = control("POST", "/emulator/faults",
                "{\"type\":\"RATE_LIMIT\",\"times\":2,\"retryDelayMillis\":3000}");
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json()).hasSize(1);
        assertThat(added.json().get(0).path("type").asText()).isEqualTo("RATE_LIMIT");

        EmulatorClient.Reply limited = client.post(GENERATE, EmulatorClient.userText("x"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(FaultsTest.find(limited.json().at("/error/details"), "type.googleapis.com/google.rpc.RetryInfo")
                .path("retryDelay").asText()).isEqualTo("3s");

        control("POST", "/emulator/faults", "[{\"type\":\"SERVER_ERROR\",\"times\":3,\"status\":503},"
                + "{\"type\":\"LATENCY\",\"times\":-1,\"delayMillis\":2000},"
                + "{\"type\":\"CUT_STREAM\",\"times\":1,\"afterChunks\":2},"
                + "{\"type\":\"HANG\",\"times\":1,\"model\":\"gemini-2.5-pro\"},"
                + "{\"type\":\"STREAM_ERROR\",\"afterChunks\":1,\"status\":500}]");
        JsonNode listed = control("GET", "/emulator/faults", null).json();
        assertThat(listed).hasSize(6);
        assertThat(listed.get(0).path("times").asInt()).isEqualTo(1);
        assertThat(listed.get(2).path("delayMillis").asLong()).isEqualTo(2000);
        assertThat(listed.get(4).path("model").asText()).isEqualTo("gemini-2.5-pro");
        assertThat(emulator.faults().pending()).hasSize(6);

        EmulatorClient.Reply cleared = control("DELETE", "/emulator/faults", null);
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).isEmpty();
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
    }

    @Test
    void aScopedHttpFaultOnlyHitsItsModel() {
        control("POST", "/emulator/faults", "{\"type\":\"SERVER_ERROR\",\"status\":500,\"model\":\"models/gemini-2.5-pro\"}");
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
        assertThat(client.post("/v1/models/gemini-2.5-pro:generateContent", EmulatorClient.userText("x")).status())
                .isEqualTo(500);
    }

    @Test
    void badFaultsAre400AndAddNothing() {
        assertThat(control("POST", "/emulator/faults", "{\"type\":\"EXPLODE\"}").status()).isEqualTo(400);
        assertThat(control("POST", "/emulator/faults", "{\"type\":\"LATENCY\"}").status()).isEqualTo(400);
        assertThat(control("POST", "/emulator/faults", "[{\"type\":\"HANG\"},{\"type\":\"SERVER_ERROR\",\"status\":200}]")
                .status()).isEqualTo(400);
        assertThat(control("POST", "/emulator/faults", "not json").status()).isEqualTo(400);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void requestsCanBeListedAndClearedOverHttp() {
        client.post(GENERATE, "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"unknownField\":true}");
        EmulatorClient.Reply listed = control("GET", "/emulator/requests", null);
        assertThat(listed.status()).isEqualTo(200);
        JsonNode requests = listed.json();
        assertThat(requests).hasSize(1);
        JsonNode r = requests.get(0);
        assertThat(r.path("method").asText()).isEqualTo("POST");
        assertThat(r.path("path").asText()).isEqualTo(GENERATE);
        assertThat(r.path("body").asText()).contains("unknownField");
        assertThat(r.at("/headers/x-goog-api-key/0").asText()).isEqualTo(EmulatorClient.KEY);
        assertThat(Instant.parse(r.path("receivedAt").asText())).isBefore(Instant.now().plus(Duration.ofSeconds(1)));

        assertThat(control("DELETE", "/emulator/requests", null).status()).isEqualTo(200);
        assertThat(emulator.recordedRequests()).isEmpty();
        assertThat(control("GET", "/emulator/requests", null).json()).isEmpty();
    }

    @Test
    void resetClearsFaultsAndRequests() {
        emulator.faults().hang(1);
        client.get("/v1/models");
        assertThat(control("POST", "/emulator/reset", null).status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).isEmpty();
        assertThat(emulator.recordedRequests()).isEmpty();
    }

    @Test
    void unknownControlPathIs404AndWrongMethodIs405() {
        assertThat(control("GET", "/emulator/nope", null).status()).isEqualTo(404);
        assertThat(control("PUT", "/emulator/faults", "{}").status()).isEqualTo(405);
        assertThat(control("POST", "/emulator/health", "{}").status()).isEqualTo(405);
    }
}
