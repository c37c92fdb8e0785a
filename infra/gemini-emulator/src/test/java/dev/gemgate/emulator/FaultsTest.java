package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest {

    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    static final String LONG = "a long enough prompt to make several chunks of streamed reply text for the tests";

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void clear() {
        emulator.faults().clear();
    }

    @Test
    void aServerErrorMayCarryARetryAfterHeaderAndNoRetryInfo() {
        emulator.faults().serverError(1, 503, Duration.ofMillis(2_500));
        EmulatorClient.Reply reply = client.post(GENERATE, EmulatorClient.userText("x"));
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("retry-after")).isEqualTo("3");
        assertThat(reply.json().path("error").path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(reply.json().toString()).doesNotContain("RetryInfo");
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);

        emulator.faults().serverError(1, 502);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).header("retry-after")).isNull();
    }

    @Test
    void rateLimitGives429WithQuotaFailureRetryInfoAndRetryAfterThenRecovers() {
        emulator.faults().rateLimit(2, Duration.ofSeconds(3));

        for (int i = 0; i < 2; i++) {
            EmulatorClient.Reply reply = client.post(GENERATE, EmulatorClient.userText("x"));
            assertThat(reply.status()).isEqualTo(429);
            assertThat(reply.header("retry-after")).isEqualTo("3");
            JsonNode error = reply.json().path("error");
            assertThat(error.path("code").asInt()).isEqualTo(429);
            assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
            JsonNode details = error.path("details");
            JsonNode quota = find(details, "type.googleapis.com/google.rpc.QuotaFailure");
            assertThat(quota.path("violations").get(0).path("quotaId").asText()).isNotBlank();
            JsonNode retry = find(details, "type.googleapis.com/google.rpc.RetryInfo");
            assertThat(retry.path("retryDelay").asText()).isEqualTo("3s");
        }
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void aRateLimitNamesThePerMinuteQuotaByDefaultOrTheQuotaItIsGiven() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(1))
                .rateLimit(1, Duration.ofSeconds(2), FaultPlan.Fault.PER_DAY_QUOTA_ID);

        JsonNode perMinute = find(client.post(GENERATE, EmulatorClient.userText("x")).json().at("/error/details"),
                "type.googleapis.com/google.rpc.QuotaFailure").path("violations").get(0);
        EmulatorClient.Reply perDayReply = client.post(GENERATE, EmulatorClient.userText("x"));
        JsonNode perDay = find(perDayReply.json().at("/error/details"), "type.googleapis.com/google.rpc.QuotaFailure")
                .path("violations").get(0);

        assertThat(perMinute.path("quotaId").asText()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel");
        assertThat(perDay.path("quotaId").asText()).isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(perDay.path("quotaMetric").asText()).endsWith("generate_content_free_tier_requests");
        assertThat(perDayReply.header("retry-after")).isEqualTo("2");
        assertThatThrownBy(() -> emulator.faults().rateLimit(1, Duration.ofSeconds(1), "no spaces allowed"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fractionalRetryDelayUsesProtobufDurationForm() {
        emulator.faults().rateLimit(1, Duration.ofMillis(1500));
        EmulatorClient.Reply reply = client.post(GENERATE, EmulatorClient.userText("x"));
        assertThat(find(reply.json().at("/error/details"), "type.googleapis.com/google.rpc.RetryInfo")
                .path("retryDelay").asText()).isEqualTo("1.500s");
        assertThat(reply.header("retry-after")).isEqualTo("2");
    }

    @ParameterizedTest
    @CsvSource({"500,INTERNAL", "502,UNAVAILABLE", "503,UNAVAILABLE", "504,DEADLINE_EXCEEDED"})
    void serverErrorGivesTheStatusWithTheGoogleStatus(int status, String google) {
        emulator.faults().serverError(1, status);
        EmulatorClient.Reply reply = client.post(GENERATE, EmulatorClient.userText("x"));
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.json().at("/error/code").asInt()).isEqualTo(status);
        assertThat(reply.json().at("/error/status").asText()).isEqualTo(google);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
    }

    @Test
    void faultsApplyToStreamCountTokensAndEmbeddings() {
        emulator.faults().serverError(4, 503);
        assertThat(client.post(STREAM, EmulatorClient.userText("x")).status()).isEqualTo(503);
        assertThat(client.post("/v1/models/gemini-2.5-flash:countTokens", EmulatorClient.userText("x")).status()).isEqualTo(503);
        assertThat(client.post("/v1/models/gemini-embedding-001:embedContent", "{\"content\":{\"parts\":[{\"text\":\"x\"}]}}")
                .status()).isEqualTo(503);
        assertThat(client.post("/v1/models/gemini-embedding-001:batchEmbedContents",
                "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]}}]}").status()).isEqualTo(503);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void faultsDoNotApplyToModelsListGetOrControlEndpoints() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(1));
        assertThat(client.get("/v1beta/models").status()).isEqualTo(200);
        assertThat(client.get("/v1beta/models/gemini-2.5-flash").status()).isEqualTo(200);
        assertThat(client.get("/emulator/health").status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).hasSize(1);
    }

    @Test
    void latencyDelaysTheReplyForTheGivenNumberOfCalls() {
        emulator.faults().latency(1, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void unlimitedLatencyStaysUntilClearedAndCombinesWithAnErrorFault() {
        emulator.faults().latency(-1, Duration.ofMillis(150)).serverError(1, 500);
        long start = System.nanoTime();
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(500);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        List<FaultPlan.Fault> pending = emulator.faults().pending();
        assertThat(pending).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(FaultPlan.Type.LATENCY);
            assertThat(f.times()).isEqualTo(-1);
        });
        emulator.faults().clear();
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void hangNeverAnswersWithinTheClientTimeout() {
        emulator.faults().hang(1);
        HttpRequest request = client.request(GENERATE).header("x-goog-api-key", "k").timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build();
        assertThatThrownBy(() -> client.sendRaw(request)).isInstanceOf(HttpTimeoutException.class);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
    }

    @Test
    void hangingRequestsAreReleasedWhenTheEmulatorCloses() throws Exception {
        try (GeminiEmulator own = GeminiEmulator.start(0)) {
            own.faults().hang(1);
            EmulatorClient ownClient = new EmulatorClient(own);
            HttpRequest request = ownClient.request(GENERATE).header("x-goog-api-key", "k").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build();
            var future = ownClient.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            Thread.sleep(200);
            assertThat(future).isNotDone();
            long start = System.nanoTime();
            own.close();
            assertThatThrownBy(() -> future.get()).hasCauseInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void cutStreamSendsKChunksThenDropsTheConnection() throws Exception {
        emulator.faults().cutStreamAfter(1, 2);
        // a raw socket shows exactly what went over the wire (java.net.http may drop data buffered before the error)
        String raw = rawExchange("POST " + STREAM + " HTTP/1.1", EmulatorClient.userText(LONG));
        assertThat(raw).startsWith("HTTP/1.1 200");
        assertThat(raw.toLowerCase()).contains("transfer-encoding: chunked");
        assertThat(raw.split("data: ", -1)).hasSize(3);
        assertThat(raw).doesNotContain("finishReason").doesNotEndWith("0\r\n\r\n");

        // consumed: the next stream is whole, with the terminating chunk
        String whole = rawExchange("POST " + STREAM + " HTTP/1.1", EmulatorClient.userText(LONG));
        assertThat(whole).contains("finishReason").endsWith("\r\n0\r\n\r\n");
    }

    @Test
    void aCutStreamIsAnIoErrorForJavaNetHttp() throws Exception {
        emulator.faults().cutStreamAfter(1, 1);
        HttpRequest request = client.request(STREAM).header("x-goog-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText(LONG))).build();
        HttpResponse<InputStream> response = client.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> {
            try (InputStream in = response.body()) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
    }

    /** Sends one request with Connection: close over a plain socket and returns everything until EOF. */
    static String rawExchange(String requestLine, String body) throws IOException {
        java.net.URI uri = java.net.URI.create(emulator.baseUrl());
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = requestLine + "\r\nHost: " + uri.getHost() + "\r\nx-goog-api-key: k\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                }
            } catch (java.net.SocketException e) {
                // a reset after the data is fine too
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void streamFaultsAreNotConsumedByUnaryCalls() {
        emulator.faults().cutStreamAfter(1, 0);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).hasSize(1);
        assertThatThrownBy(() -> client.post(STREAM, EmulatorClient.userText("x"))).hasCauseInstanceOf(IOException.class);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void streamErrorSendsAnSseErrorEventAfterKChunks() throws Exception {
        emulator.faults().streamError(1, 1, 503);
        EmulatorClient.Reply reply = client.post(STREAM, EmulatorClient.userText(LONG));
        assertThat(reply.status()).isEqualTo(200);
        List<JsonNode> events = StreamingTest.events(reply.body());
        assertThat(events).hasSize(2);
        assertThat(events.get(0).has("candidates")).isTrue();
        assertThat(events.get(1).at("/error/code").asInt()).isEqualTo(503);
        assertThat(events.get(1).at("/error/status").asText()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void streamErrorInTheJsonArrayFormIsOneMoreElement() throws Exception {
        emulator.faults().streamError(1, 2, 500);
        String body;
        try (StreamReader stream = StreamReader.openRaw(emulator, "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                EmulatorClient.userText(LONG))) {
            body = stream.rest();
        }
        assertThat(body).startsWith("[{").endsWith("}]");
        JsonNode array = EmulatorClient.JSON.readTree(body);
        assertThat(array).hasSize(3);
        assertThat(array.get(1).has("candidates")).isTrue();
        assertThat(array.get(2).at("/error/code").asInt()).isEqualTo(500);
        assertThat(array.get(2).at("/error/status").asText()).isEqualTo("INTERNAL");
    }

    @Test
    void rateLimitOnAStreamIsAnHttp429BeforeTheStreamStarts() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(1));
        EmulatorClient.Reply reply = client.post(STREAM, EmulatorClient.userText("x"));
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.header("content-type")).startsWith("application/json");
    }

    @Test
    void faultsCanBeScopedToAModel() {
        emulator.faults().forModel("models/gemini-2.5-pro").serverError(1, 503);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
        assertThat(client.post("/v1/models/gemini-2.5-pro:generateContent", EmulatorClient.userText("x")).status())
                .isEqualTo(503);
        assertThat(client.post("/v1/models/gemini-2.5-pro:generateContent", EmulatorClient.userText("x")).status())
                .isEqualTo(200);
    }

    @Test
    void faultsAreConsumedInOrderAndCounted() {
        emulator.faults().serverError(1, 500).rateLimit(1, Duration.ofSeconds(1)).serverError(2, 504);
        assertThat(emulator.faults().pending()).hasSize(3);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(500);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(429);
        assertThat(emulator.faults().pending()).singleElement().satisfies(f -> assertThat(f.times()).isEqualTo(2));
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(504);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(504);
        assertThat(client.post(GENERATE, EmulatorClient.userText("x")).status()).isEqualTo(200);
    }

    @Test
    void scopedClearOnlyRemovesThatModelsFaults() {
        emulator.faults().serverError(1, 500);
        emulator.faults().forModel("gemini-2.5-pro").serverError(1, 503);
        emulator.faults().forModel("gemini-2.5-pro").clear();
        assertThat(emulator.faults().pending()).singleElement().satisfies(f -> assertThat(f.model()).isNull());
    }

    @Test
    void invalidFaultsAreRejected() {
        assertThatThrownBy(() -> emulator.faults().serverError(1, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().rateLimit(-2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().cutStreamAfter(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().chunkDelay(1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().chunkDelay(1, null)).isInstanceOf(NullPointerException.class);
        emulator.faults().hang(0);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    static JsonNode find(JsonNode details, String type) {
        for (JsonNode d : details) {
            if (type.equals(d.path("@type").asText())) {
                return d;
            }
        }
        throw new AssertionError("no " + type + " in " + details);
    }
}
