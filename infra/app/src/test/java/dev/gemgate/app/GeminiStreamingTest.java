package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.StreamLog;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code :streamGenerateContent} end to end: the official SDK and a raw HTTP client against Gemgate, the emulator
 * upstream producing the chunks, every policy step on the way, and the audit event that settles each stream.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiStreamingTest {
    static final String LONG_PROMPT = "Tell me everything about the history of streaming protocols, from the first "
            + "teletype links to server-sent events, in as many words as you can manage, please";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    private Tenant tenant;
    private String key;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("stream-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "stream test")).secret().reveal();
        GatewayTestResources.emulator().faults().clear();
    }

    @Inject
    UpstreamGate upstreamGate;

    @AfterEach
    void clearFaults() {
        GatewayTestResources.emulator().faults().clear();
        upstreamGate.clear(); // a 429 test leaves the model cooling down for the tests after it
    }

    private Client sdk() {
        return Client.builder().apiKey(key).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build();
    }

    static String body(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":400}}";
    }

    private HttpRequest streamRequest(String query, String json) {
        return HttpRequest.newBuilder(URI.create(gateway + "v1beta/models/gemini-2.5-flash:streamGenerateContent"
                        + query))
                .header("x-goog-api-key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private List<AuditEvent> streamEvents() {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()),
                Optional.of(AuditEventType.STREAM_GENERATE_CONTENT), Instant.EPOCH, Instant.now().plusSeconds(60),
                10));
    }

    /** The audit event is appended when the stream is settled, just after its last byte was written. */
    private AuditEvent settledStream() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<AuditEvent> events = streamEvents();
            if (!events.isEmpty()) {
                assertThat(events).hasSize(1);
                return events.getFirst();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the stream was never settled");
    }

    @Test
    void theSdkStreamsThroughTheGatewayAndTheStreamIsSettledFromTheFinalUsage() throws Exception {
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        GenerateContentResponse last = null;
        try (Client client = sdk(); ResponseStream<GenerateContentResponse> stream = client.models
                .generateContentStream("gemini-2.5-flash", LONG_PROMPT,
                        GenerateContentConfig.builder().maxOutputTokens(400).build())) {
            for (GenerateContentResponse chunk : stream) {
                text.append(chunk.text());
                chunks++;
                last = chunk;
            }
        }
        assertThat(chunks).isGreaterThan(3);
        assertThat(text.toString()).startsWith("Echo: Tell me everything");
        assertThat(last.candidates().orElseThrow().getFirst().finishReason().orElseThrow().toString())
                .isEqualTo("STOP");
        int candidates = last.usageMetadata().orElseThrow().candidatesTokenCount().orElseThrow();

        AuditEvent event = settledStream();
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.usage().candidatesTokens()).isEqualTo(candidates);
        assertThat(event.usage().promptTokens()).isPositive();
        assertThat(event.cost().micros()).isPositive();
    }

    @Test
    void sseEventsAreTheUpstreamsChunksByteForByteInGooglesFraming() throws Exception {
        HttpResponse<String> response = http.send(streamRequest("?alt=sse", body(LONG_PROMPT)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("x-gemgate-request-id")).isPresent();
        // the emulator is deterministic: the same request sent to it directly gives the bytes it sent the gateway
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(GatewayTestResources.emulator()
                        .baseUrl() + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                .header("x-goog-api-key", "any").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(LONG_PROMPT))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo(direct.body());
        assertThat(response.body()).doesNotContain("[DONE]").endsWith("}\r\n\r\n");
    }

    @Test
    void withoutAltSseTheAnswerIsOneJsonArrayStreamedElementByElement() throws Exception {
        HttpResponse<String> response = http.send(streamRequest("", body(LONG_PROMPT)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        String array = response.body();
        assertThat(array).startsWith("[{\"candidates\"").endsWith("}]").contains("},\r\n{\"candidates\"")
                .doesNotContain("data:");
        com.fasterxml.jackson.databind.JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(array);
        assertThat(parsed.isArray()).isTrue();
        assertThat(parsed.size()).isGreaterThan(3);
        assertThat(parsed.get(parsed.size() - 1).path("usageMetadata").path("candidatesTokenCount").asInt())
                .isPositive();
    }

    @Test
    void aRefusalBeforeTheFirstChunkIsAnOrdinaryErrorResponse() throws Exception {
        // a deadline (2 s) shorter than Google's delay (7 s): the retry cannot wait for it, so Google's 429 is answered
        GatewayTestResources.emulator().faults().rateLimit(1, java.time.Duration.ofSeconds(7));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(streamRequest("?alt=sse", body("hi")),
                        (name, value) -> true).header("X-Server-Timeout", "2").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).contains("\"status\":\"RESOURCE_EXHAUSTED\"");
        assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        AuditEvent event = settledStream();
        assertThat(event.outcome()).isEqualTo(Outcome.UPSTREAM_RATE_LIMITED);
        assertThat(event.cost().micros()).isZero();
    }

    @Test
    void anUpstreamStreamCutMidwayEndsTheClientsStreamWithAnErrorTheSdkRaises() throws Exception {
        GatewayTestResources.emulator().faults().cutStreamAfter(1, 2);
        List<String> texts = new ArrayList<>();
        try (Client client = sdk()) {
            assertThatThrownBy(() -> {
                try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(
                        "gemini-2.5-flash", LONG_PROMPT, null)) {
                    for (GenerateContentResponse chunk : stream) {
                        texts.add(chunk.text());
                    }
                }
            }).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo(503);
                assertThat(e.status()).isEqualTo("UNAVAILABLE");
            });
        }
        assertThat(texts).hasSize(2);

        AuditEvent event = settledStream();
        assertThat(event.outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
        assertThat(event.usage().candidatesTokens()).isPositive(); // the two chunks forwarded are charged
        assertThat(event.cost().micros()).isPositive();
    }

    @Test
    void anErrorEventFromTheUpstreamIsPassedOnInTheSameForm() throws Exception {
        GatewayTestResources.emulator().faults().streamError(1, 1, 500);
        HttpResponse<String> response = http.send(streamRequest("?alt=sse", body(LONG_PROMPT)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        String[] events = response.body().split("\r\n\r\n");
        assertThat(events).hasSize(2);
        assertThat(events[0]).startsWith("data: {\"candidates\"");
        assertThat(events[1]).startsWith("data: {\"error\":{\"code\":503").contains("\"status\":\"UNAVAILABLE\"");
        assertThat(settledStream().outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
    }

    @Test
    void chunksReachTheClientAsTheUpstreamProducesThemNotWhenItFinishes() {
        Duration delay = Duration.ofMillis(250);
        GatewayTestResources.emulator().faults().chunkDelay(1, delay);
        List<Long> arrivals = new ArrayList<>();
        long start = System.nanoTime();
        try (Client client = sdk(); ResponseStream<GenerateContentResponse> stream = client.models
                .generateContentStream("gemini-2.5-flash", LONG_PROMPT, null)) {
            for (GenerateContentResponse ignored : stream) {
                arrivals.add(System.nanoTime() - start);
            }
        }
        // the emulator waits 250 ms before each chunk: a gateway that buffered would deliver them all at the end
        assertThat(arrivals).hasSizeGreaterThanOrEqualTo(5);
        long spread = arrivals.getLast() - arrivals.getFirst();
        assertThat(Duration.ofNanos(spread)).isGreaterThanOrEqualTo(delay.multipliedBy(arrivals.size() - 2));
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(Duration.ofNanos(arrivals.get(i) - arrivals.get(i - 1))).as("gap before chunk " + i)
                    .isGreaterThan(delay.dividedBy(2));
        }
    }

    @Test
    void aClientThatGoesAwayMidStreamCancelsTheUpstreamAndIsChargedForWhatWasProduced() throws Exception {
        GeminiEmulator emulator = GatewayTestResources.emulator();
        emulator.streamLog().clear();
        emulator.faults().chunkDelay(1, Duration.ofMillis(200));
        HttpResponse<InputStream> response = http.send(streamRequest("?alt=sse", body(LONG_PROMPT)),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream in = response.body();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        assertThat(reader.readLine()).startsWith("data: {\"candidates\"");
        in.close(); // the client goes away after its first chunk

        // the emulator saw the gateway cut its upstream call before the stream's end
        StreamLog.Record cut = emulator.streamLog().awaitClientCut(Duration.ofSeconds(10));
        assertThat(cut.chunksWritten()).isLessThan(cut.chunksPlanned());
        AuditEvent event = settledStream();
        assertThat(event.outcome()).isEqualTo(Outcome.CLIENT_CLOSED);
        assertThat(event.usage().promptTokens()).isPositive();
        assertThat(event.usage().candidatesTokens()).isPositive(); // what was forwarded is charged
        assertThat(event.cost().micros()).isPositive();
    }

    @Test
    void aStreamThatGoesQuietPastTheIdleDeadlineEndsWithDeadlineExceeded() throws Exception {
        GeminiEmulator emulator = GatewayTestResources.emulator();
        emulator.streamLog().clear();
        emulator.faults().stallStreamAfter(1, 2);
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(streamRequest("?alt=sse", body(LONG_PROMPT)),
                HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // test profile: gemgate.upstream.stream-idle-timeout=4s
        assertThat(took).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(12));
        String[] events = response.body().split("\r\n\r\n");
        assertThat(events).hasSize(3);
        assertThat(events[2]).startsWith("data: {\"error\":{\"code\":504").contains("DEADLINE_EXCEEDED");
        AuditEvent event = settledStream();
        assertThat(event.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(event.usage().candidatesTokens()).isPositive();
        emulator.resumeStalledStreams();
        assertThat(emulator.streamLog().awaitClientCut(Duration.ofSeconds(10)).chunksWritten()).isEqualTo(2);
    }

    @Test
    void aStreamThatKeepsProducingRunsPastTheIdleDeadline() throws Exception {
        // 7 chunks, 800 ms apart: the stream lasts longer than the 4 s idle deadline of the test profile, but is never
        // quiet that long, so it completes (only the 30 min total deadline bounds it)
        GatewayTestResources.emulator().faults().chunkDelay(1, Duration.ofMillis(800));
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(streamRequest("?alt=sse", body(LONG_PROMPT)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(5));
        assertThat(response.body()).doesNotContain("\"error\"").contains("\"finishReason\":\"STOP\"");
        assertThat(settledStream().outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void unknownFieldsAndThoughtSignaturesInStreamedChunksArriveByteIdentical() throws Exception {
        GeminiEmulator emulator = GatewayTestResources.emulator();
        emulator.responseExtras("{\"futureField\":{\"x\":[1,2.50,\"\u00e9\"]},"
                + "\"usageMetadata\":{\"futureCount\":7},"
                + "\"candidates\":[{\"futureCandidateField\":\"c\",\"content\":{\"parts\":[{\"futureFlag\":true}]}}]}");
        try {
            String body = body(LONG_PROMPT);
            HttpResponse<byte[]> viaGateway = http.send(HttpRequest.newBuilder(URI.create(gateway
                            + "v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse"))
                    .header("x-goog-api-key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> direct = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl()
                            + "/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse"))
                    .header("x-goog-api-key", "any").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(viaGateway.statusCode()).isEqualTo(200);
            assertThat(viaGateway.body()).isEqualTo(direct.body());
            String text = new String(viaGateway.body(), StandardCharsets.UTF_8);
            assertThat(text).contains("\"thoughtSignature\":\"", "\"futureField\":{\"x\":[1,2.50,\"\u00e9\"]}",
                    "\"futureCount\":7", "\"futureFlag\":true");
        } finally {
            emulator.clearResponseExtras();
        }
    }
}
