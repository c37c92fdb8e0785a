package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.failure;
import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Replies the emulator does not produce: unknown response fields, broken bodies, a dead port. */
class RawUpstreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private volatile int status = 200;
    private volatile String contentType = "application/json";
    private volatile String reply = "{}";
    private GenAiGenerationAdapter adapter;
    private UpstreamCredential credential;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        adapter = newAdapter();
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("raw"), "raw-key-1",
                Optional.of("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    /** The adapter under test: the default transport (Vert.x) here, OkHttp in {@link RawUpstreamOkHttpTest}. */
    GenAiGenerationAdapter newAdapter() {
        return new GenAiGenerationAdapter();
    }

    @AfterEach
    void stop() {
        adapter.close();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void aGenerateResponseComesBackExactlyAsSentUnknownFieldsIncluded() throws Exception {
        reply = """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi","futurePartField":{"a":1}}]},
                   "finishReason":"A_FINISH_REASON_FROM_2027","index":0,"futureCandidateField":[1,2.5,"x"]}],
                 "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":40,"totalTokenCount":60,
                   "thoughtsTokenCount":8,"cachedContentTokenCount":4,"futureCount":7},
                 "modelVersion":"gemini-2.5-flash","responseId":"r-1","futureTopLevel":{"nested":true}}""";

        GenerationResponse response = adapter.generate(request("hi"), credential, TIMEOUT);

        assertThat(JSON.<JsonNode>valueToTree(response.body())).isEqualTo(JSON.readTree(reply));
        // and its text, byte for byte (line breaks and all), for the surface to forward as it came
        assertThat(response.json()).contains(reply);
        assertThat(response.usage()).isEqualTo(new Usage(12, 40, 8, 4));
        assertThat(response.finishReason()).contains("A_FINISH_REASON_FROM_2027");
    }

    @Test
    void theAudioShareOfThePromptIsReadFromPromptTokensDetails() {
        reply = """
                {"candidates":[],"usageMetadata":{"promptTokenCount":1000,"candidatesTokenCount":10,
                   "promptTokensDetails":[{"modality":"TEXT","tokenCount":200},{"modality":"AUDIO","tokenCount":800},
                                          {"modality":"FUTURE_MODALITY","tokenCount":5}]}}""";

        assertThat(adapter.generate(request("hi"), credential, TIMEOUT).usage())
                .isEqualTo(new Usage(1000, 10, 0, 0, 800));
    }

    @Test
    void missingUsageCountsAreZero() {
        reply = "{\"candidates\":[],\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}";

        GenerationResponse response = adapter.generate(request("hi"), credential, TIMEOUT);

        assertThat(response.usage()).isEqualTo(Usage.NONE);
        assertThat(response.body()).containsKey("promptFeedback");
    }

    @Test
    void streamedChunksKeepEveryFieldTheSdkKnows() throws Exception {
        String first = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]},\"index\":0}],"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r-2\"}";
        String last = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"lo\"}]},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
                + "\"candidatesTokenCount\":2,\"totalTokenCount\":5},\"modelVersion\":\"gemini-2.5-flash\","
                + "\"responseId\":\"r-2\"}";
        contentType = "text/event-stream";
        reply = "data: " + first + "\r\n\r\ndata: " + last + "\r\n\r\n";
        GenAiGenerationAdapterTest.Recorder recorder = new GenAiGenerationAdapterTest.Recorder(true);

        adapter.stream(request("hi"), credential, GenAiGenerationAdapterTest.LIMITS,
                new dev.gemgate.domain.generation.Cancellation(), recorder);

        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.chunks).extracting(c -> JSON.<JsonNode>valueToTree(c.body()))
                .containsExactly(JSON.readTree(first), JSON.readTree(last));
        assertThat(recorder.texts).containsExactly(first, last); // the exact text, not a re-serialization
        assertThat(recorder.chunks.get(0).usage()).isEqualTo(Usage.NONE);
        assertThat(recorder.completed).containsExactly(new Usage(3, 2, 0, 0));
    }

    @Test
    void anErrorEventMidStreamIsTranslated() {
        contentType = "text/event-stream";
        reply = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"a\"}]}}]}\n\n"
                + "data: {\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\n\n";
        GenAiGenerationAdapterTest.Recorder recorder = new GenAiGenerationAdapterTest.Recorder(true);

        adapter.stream(request("hi"), credential, GenAiGenerationAdapterTest.LIMITS,
                new dev.gemgate.domain.generation.Cancellation(), recorder);

        assertThat(recorder.chunks).hasSize(1);
        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void aResponseThatIsNotJsonIsAProtocolError() {
        reply = "<html>gateway page</html>";
        contentType = "text/html";

        assertThat(failure(() -> adapter.generate(request("hi"), credential, TIMEOUT)).kind())
                .isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(failure(() -> adapter.countTokens(request("hi"), credential, TIMEOUT)).kind())
                .isEqualTo(Kind.PROTOCOL_ERROR);
    }

    @Test
    void anErrorWithoutAJsonBodyMapsByStatus() {
        status = 502;
        reply = "Bad Gateway";
        contentType = "text/plain";

        UpstreamException e = failure(() -> adapter.generate(request("hi"), credential, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.upstreamStatus()).isEqualTo(502);
    }

    @Test
    void anEmbeddingAnswerIsPassedOnAsGoogleWroteIt() {
        reply = "{\"embeddings\":[{\"values\":[0.10,2e-3]}],\"futureField\":1}";

        var response = adapter.embed(new dev.gemgate.domain.generation.EmbeddingRequest(
                new dev.gemgate.domain.generation.ModelId("gemini-embedding-001"),
                dev.gemgate.domain.generation.EmbeddingRequest.Method.BATCH_EMBED_CONTENTS,
                java.util.Map.of("requests", List.of(java.util.Map.of("model", "models/gemini-embedding-001",
                        "content", java.util.Map.of("parts", List.of(java.util.Map.of("text", "a")))))),
                java.util.Optional.empty()), credential, TIMEOUT);

        assertThat(response.json()).isEqualTo(reply);
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        UpstreamCredential dead = UpstreamCredential.apiKey(new UpstreamCredentialId("dead"), "dead-key-1",
                Optional.of("http://127.0.0.1:" + closedPort));

        UpstreamException e = failure(() -> adapter.generate(request("hi"), dead, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.upstreamStatus()).isZero();
        assertThat(e.getMessage()).doesNotContain("dead-key-1");
    }

    @Test
    void aZeroTimeoutFailsWithoutCalling() {
        assertThat(failure(() -> adapter.generate(request("hi"), credential, Duration.ZERO)).kind())
                .isEqualTo(Kind.TIMEOUT);
    }
}
