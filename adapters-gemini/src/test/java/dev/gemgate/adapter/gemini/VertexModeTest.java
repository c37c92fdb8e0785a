package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.failure;
import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Vertex AI mode and rejected credentials, against an emulator that accepts only some keys and tokens. */
class VertexModeTest extends EmulatorBackedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "vertex-token-abc";
    private static final String GOOD_KEY = "good-key-123";


    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().acceptApiKey(TOKEN, GOOD_KEY).recordRequests(true)
                .build());
        adapter = new GenAiGenerationAdapter();
    }

    @Test
    void vertexGenerationUsesTheProjectPathAndABearerToken() throws Exception {
        GenerationRequest request = request("Hello Vertex");

        GenerationResponse response = adapter.generate(request, vertex("v1", TOKEN), TIMEOUT);

        assertThat(response.text()).isEqualTo("Echo: Hello Vertex");
        assertThat(response.usage().promptTokens()).isPositive();
        RecordedRequest recorded = single();
        assertThat(recorded.path())
                .isEqualTo("/v1beta1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:generateContent");
        assertThat(recorded.header("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(recorded.header("x-goog-api-key")).isNull();
        // raw pass-through as in API-key mode: no "generationConfig":{} added by the SDK's typed path
        assertThat(JSON.readTree(recorded.body())).isEqualTo(JSON.valueToTree(request.body()));
        assertThat(recorded.body()).doesNotContain("generationConfig");
    }

    @Test
    void vertexStreamsAndCountsTokens() {
        GenAiGenerationAdapterTest.Recorder recorder = new GenAiGenerationAdapterTest.Recorder(true);

        adapter.stream(request("stream through vertex please"), vertex("v2", TOKEN), GenAiGenerationAdapterTest.LIMITS,
                new dev.gemgate.domain.generation.Cancellation(), recorder);
        long tokens = adapter.countTokens(request("count me"), vertex("v2", TOKEN), TIMEOUT);

        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.completed).hasSize(1);
        assertThat(tokens).isPositive();
        assertThat(emulator.recordedRequests()).extracting(RecordedRequest::path).containsExactly(
                "/v1beta1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:streamGenerateContent",
                "/v1beta1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:countTokens");
    }

    @Test
    void vertexEmbedsAndFindsModels() throws Exception {
        Map<String, Object> one = Map.of("model", "models/gemini-embedding-001", "outputDimensionality", 8,
                "content", Map.of("parts", List.of(Map.of("text", "one"))));
        Map<String, Object> two = Map.of("model", "models/gemini-embedding-001", "outputDimensionality", 8,
                "content", Map.of("parts", List.of(Map.of("text", "two"))));
        var embeddings = adapter.embed(new EmbeddingRequest(new ModelId("gemini-embedding-001"),
                EmbeddingRequest.Method.BATCH_EMBED_CONTENTS, Map.of("requests", List.of(one, two)),
                java.util.Optional.empty()), vertex("v3", TOKEN), TIMEOUT);

        // Vertex embeds through :predict; the answer is written back in batchEmbedContents' form
        com.fasterxml.jackson.databind.JsonNode reply = JSON.readTree(embeddings.json());
        assertThat(reply.path("embeddings")).hasSize(2).allSatisfy(v -> assertThat(v.path("values")).hasSize(8));
        assertThat(embeddings.reportedTokens()).isPresent();
        assertThat(embeddings.reportedTokens().getAsLong()).isPositive();
        assertThat(adapter.getModel(new ModelId("gemini-2.5-flash"), vertex("v3", TOKEN), TIMEOUT)).isPresent();
        assertThat(adapter.getModel(new ModelId("gemini-0.1-nonexistent"), vertex("v3", TOKEN), TIMEOUT)).isEmpty();
    }

    @Test
    void aServiceAccountKeyIsExchangedForATokenAtItsTokenUri() throws Exception {
        HttpServer tokenServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger exchanges = new AtomicInteger();
        tokenServer.createContext("/token", exchange -> {
            exchanges.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] reply = ("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        tokenServer.start();
        try {
            String serviceAccount = serviceAccountJson("http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token");

            adapter.generate(request("hi"), vertex("sa", serviceAccount), TIMEOUT);
            adapter.generate(request("hi again"), vertex("sa", serviceAccount), TIMEOUT);

            assertThat(exchanges).hasValue(1);
            assertThat(emulator.recordedRequests()).allSatisfy(r ->
                    assertThat(r.header("authorization")).isEqualTo("Bearer " + TOKEN));
        } finally {
            tokenServer.stop(0);
        }
    }

    @Test
    void anUnusableServiceAccountKeyIsRejectedWithoutQuotingIt() {
        String broken = "{\"type\":\"service_account\",\"private_key\":\"not-a-key-SECRET\"}";

        var e = failure(() -> adapter.generate(request("hi"), vertex("broken", broken), TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.CREDENTIAL_REJECTED);
        assertThat(e.getMessage()).doesNotContain("SECRET").doesNotContain(broken);
        assertThat(e.getCause()).isNull();
        assertThat(emulator.recordedRequests()).isEmpty();
    }

    @Test
    void aRejectedVertexTokenIsCredentialRejected() {
        var e = failure(() -> adapter.generate(request("hi"), vertex("bad", "expired-token-xyz"), TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.CREDENTIAL_REJECTED);
        assertThat(e.upstreamStatus()).isEqualTo(401);
        assertThat(e.getMessage()).doesNotContain("expired-token-xyz");
    }

    @Test
    void anInvalidApiKeyIsCredentialRejectedAndNeverQuoted() {
        String secret = "AIzaSy-not-a-valid-key-0001";
        UpstreamCredential bad = UpstreamCredential.apiKey(new UpstreamCredentialId("bad-key"), secret,
                Optional.of(emulator.baseUrl()));

        var e = failure(() -> adapter.generate(request("hi"), bad, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.CREDENTIAL_REJECTED);
        assertThat(e.upstreamStatus()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("upstream credential rejected").doesNotContain(secret);
        assertThat(single().apiKey()).isEqualTo(secret);
    }

    @Test
    void anAcceptedApiKeyWorksOnTheSameEmulator() {
        UpstreamCredential good = UpstreamCredential.apiKey(new UpstreamCredentialId("good-key"), GOOD_KEY,
                Optional.of(emulator.baseUrl()));

        assertThat(adapter.generate(request("hi"), good, TIMEOUT).text()).isEqualTo("Echo: hi");
    }

    @Test
    void aRotatedSecretUnderTheSameIdGetsANewClient() {
        UpstreamCredential before = UpstreamCredential.apiKey(new UpstreamCredentialId("rotating"), "old-key-1",
                Optional.of(emulator.baseUrl()));
        UpstreamCredential after = UpstreamCredential.apiKey(new UpstreamCredentialId("rotating"), GOOD_KEY,
                Optional.of(emulator.baseUrl()));

        assertThat(failure(() -> adapter.generate(request("hi"), before, TIMEOUT)).kind())
                .isEqualTo(Kind.CREDENTIAL_REJECTED);
        assertThat(adapter.generate(request("hi"), after, TIMEOUT).text()).isEqualTo("Echo: hi");
    }

    private static UpstreamCredential vertex(String id, String secret) {
        return new UpstreamCredential(new UpstreamCredentialId(id), UpstreamCredential.Mode.VERTEX_AI, secret,
                Optional.of(emulator.baseUrl()), Optional.of("p"), Optional.of("l"));
    }

    private static RecordedRequest single() {
        assertThat(emulator.recordedRequests()).hasSize(1);
        return emulator.recordedRequests().getFirst();
    }

    private static String serviceAccountJson(String tokenUri) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return JSON.writeValueAsString(Map.of(
                "type", "service_account",
                "project_id", "p",
                "private_key_id", "key-1",
                "private_key", pem,
                "client_email", "gemgate@p.iam.gserviceaccount.com",
                "client_id", "1234567890",
                "token_uri", tokenUri));
    }
}
