package dev.gemgate.adapter.gemini;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two transports of a raw call ({@link GenAiSettings.Transport}) are the same on the wire and to the caller: the
 * SDK builds the request either way, so the emulator must receive the same method, path, headers and body bytes, and
 * the answer and its failures (429 with RetryInfo, 5xx with Retry-After, 400, a deadline) must come back alike.
 */
class TransportParityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Added by each transport's HTTP layer, not by the SDK: they may differ (OkHttp's user agent never reaches here). */
    private static final List<String> TRANSPORT_HEADERS = List.of("accept-encoding", "connection", "host",
            "content-length");

    private static GeminiEmulator emulator;
    private static GenAiGenerationAdapter vertx;
    private static GenAiGenerationAdapter okhttp;
    private static UpstreamCredential credential;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        vertx = new GenAiGenerationAdapter(GenAiSettings.defaults().withTransport(GenAiSettings.Transport.VERTX));
        okhttp = new GenAiGenerationAdapter(GenAiSettings.defaults().withTransport(GenAiSettings.Transport.OKHTTP));
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("parity"), "parity-key-1",
                Optional.of(emulator.baseUrl()));
    }

    @AfterAll
    static void stop() {
        vertx.close();
        okhttp.close();
        emulator.close();
    }

    @BeforeEach
    void clear() {
        emulator.reset();
    }

    @Test
    void aGenerationGoesOutByteForByteAsTheSdkBuildsItAndComesBackAlike() {
        // a body whose text a tree would change (1e-400, -0), and non-ASCII text: the original JSON goes out as it is
        String json = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"h\u00e9 \u2603 \ud83d\ude00\"}]}],"
                + "\"generationConfig\":{\"temperature\":-0,\"topP\":1e-400}}";
        GenerationRequest request = new GenerationRequest(new ModelId("gemini-2.5-flash"),
                GenAiGenerationAdapterTest.request("parsed").body(), json);

        GenerationResponse viaVertx = vertx.generate(request, credential, TIMEOUT);
        GenerationResponse viaOkHttp = okhttp.generate(request, credential, TIMEOUT);

        assertThat(viaVertx.body()).isEqualTo(viaOkHttp.body());
        assertThat(viaVertx.usage()).isEqualTo(viaOkHttp.usage());
        List<RecordedRequest> sent = emulator.recordedRequests();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).body()).isEqualTo(json);
        assertSameOnTheWire(sent.get(0), sent.get(1));
        assertThat(sent.get(0).header("x-goog-api-key")).isEqualTo("parity-key-1");
        assertThat(sent.get(0).header("content-type")).isEqualTo("application/json; charset=utf-8");
        assertThat(sent.get(0).header("user-agent")).startsWith("google-genai-sdk/");
    }

    @Test
    void anEmbeddingGoesOutAlike() {
        EmbeddingRequest request = new EmbeddingRequest(new ModelId("gemini-embedding-001"),
                EmbeddingRequest.Method.EMBED_CONTENT,
                Map.of("content", Map.of("parts", List.of(Map.of("text", "embed me")))), Optional.empty());

        String viaVertx = vertx.embed(request, credential, TIMEOUT).json();
        String viaOkHttp = okhttp.embed(request, credential, TIMEOUT).json();

        assertThat(viaVertx).isEqualTo(viaOkHttp).contains("\"values\"");
        assertSameOnTheWire(emulator.recordedRequests().get(0), emulator.recordedRequests().get(1));
    }

    @Test
    void aRateLimitKeepsItsRetryInfoOnBoth() {
        assertFailsAlike(() -> emulator.faults().rateLimit(1, Duration.ofSeconds(37)), e -> {
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.upstreamStatus()).isEqualTo(429);
            assertThat(e.retryDelay()).contains(Duration.ofSeconds(37));
            return e.getMessage();
        });
    }

    @Test
    void aServerErrorKeepsItsRetryAfterHeaderOnBoth() {
        assertFailsAlike(() -> emulator.faults().serverError(1, 503, Duration.ofSeconds(4)), e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.upstreamStatus()).isEqualTo(503);
            assertThat(e.retryDelay()).contains(Duration.ofSeconds(4));
            return e.getMessage();
        });
    }

    @Test
    void aClientErrorIsTheSdksOnBoth() {
        // a model the upstream does not know: Google's 404 NOT_FOUND with its message
        GenerationRequest unknown = GenAiGenerationAdapterTest.request("hi").forModel(new ModelId("gemini-0.1-none"));
        UpstreamException viaVertx = failure(() -> vertx.generate(unknown, credential, TIMEOUT));
        UpstreamException viaOkHttp = failure(() -> okhttp.generate(unknown, credential, TIMEOUT));

        assertThat(viaVertx.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(viaVertx.upstreamStatus()).isEqualTo(404);
        assertThat(viaVertx.getMessage()).isEqualTo(viaOkHttp.getMessage()).isNotBlank();
    }

    @Test
    void aDeadlineEndsTheCallOnBothAndTheNextCallSucceeds() {
        for (GenAiGenerationAdapter adapter : List.of(vertx, okhttp)) {
            emulator.faults().latency(1, Duration.ofSeconds(3));
            long start = System.nanoTime();
            UpstreamException e = failure(() -> adapter.generate(GenAiGenerationAdapterTest.request("slow"),
                    credential, Duration.ofMillis(300)));

            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo(UpstreamErrors.DEADLINE_MESSAGE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(adapter.generate(GenAiGenerationAdapterTest.request("next"), credential, TIMEOUT).text())
                    .isEqualTo("Echo: next");
        }
    }

    @Test
    void aDeadPortIsAnUnavailableUpstreamOnBoth() {
        UpstreamCredential dead = UpstreamCredential.apiKey(new UpstreamCredentialId("dead"), "k",
                Optional.of("http://127.0.0.1:1"));
        for (GenAiGenerationAdapter adapter : List.of(vertx, okhttp)) {
            UpstreamException e = failure(() -> adapter.generate(GenAiGenerationAdapterTest.request("hi"), dead,
                    TIMEOUT));
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("the upstream connection failed");
        }
    }

    private static void assertFailsAlike(Runnable fault, Function<UpstreamException, String> check) {
        fault.run();
        String viaVertx = check.apply(failure(() -> vertx.generate(GenAiGenerationAdapterTest.request("hi"),
                credential, TIMEOUT)));
        fault.run();
        String viaOkHttp = check.apply(failure(() -> okhttp.generate(GenAiGenerationAdapterTest.request("hi"),
                credential, TIMEOUT)));
        assertThat(viaVertx).isEqualTo(viaOkHttp);
    }

    private static void assertSameOnTheWire(RecordedRequest a, RecordedRequest b) {
        assertThat(a.method()).isEqualTo(b.method());
        assertThat(a.path()).isEqualTo(b.path());
        assertThat(a.query()).isEqualTo(b.query());
        assertThat(a.body()).isEqualTo(b.body());
        assertThat(sdkHeaders(a)).isEqualTo(sdkHeaders(b)).isNotEmpty();
    }

    private static Map<String, List<String>> sdkHeaders(RecordedRequest request) {
        Map<String, List<String>> headers = new TreeMap<>(request.headers());
        TRANSPORT_HEADERS.forEach(headers::remove);
        return headers;
    }
}
