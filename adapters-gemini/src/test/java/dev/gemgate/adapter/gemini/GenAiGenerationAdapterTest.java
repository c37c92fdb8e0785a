package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The adapter against the Gemini emulator over real HTTP, with the real SDK in between. */
class GenAiGenerationAdapterTest extends EmulatorBackedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final StreamLimits LIMITS = new StreamLimits(TIMEOUT, TIMEOUT);
    private static final ModelId FLASH = new ModelId("gemini-2.5-flash");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static UpstreamCredential credential;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        adapter = new GenAiGenerationAdapter();
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("primary"), "test-key-123",
                Optional.of(emulator.baseUrl()));
    }

    @Test
    void generateReturnsTheReplyItsUsageAndFinishReason() throws Exception {
        GenerationResponse response = adapter.generate(request("Hello there"), credential, TIMEOUT);

        assertThat(response.text()).isEqualTo("Echo: Hello there");
        assertThat(response.finishReason()).contains("STOP");
        assertThat(response.servedModel()).isEqualTo(FLASH);
        assertThat(response.usage().promptTokens()).isPositive();
        assertThat(response.usage().candidatesTokens()).isPositive();
        assertThat(response.body()).containsKeys("candidates", "usageMetadata", "modelVersion", "responseId")
                .doesNotContainKey("sdkHttpResponse");
        RecordedRequest recorded = single();
        assertThat(recorded.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(recorded.header("x-goog-api-key")).isEqualTo("test-key-123");
        // API-key mode sends the tenant's body exactly as it came, nothing added
        assertThat(JSON.readTree(recorded.body())).isEqualTo(JSON.valueToTree(request("Hello there").body()));
    }

    @Test
    void theTenantBodyReachesTheUpstreamUntouchedUnknownFieldsIncluded() throws Exception {
        String tenantJson = """
                {"contents":[{"role":"user","parts":[{"text":"Describe this","futurePartField":{"x":[1,2]}},
                   {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo=","futureBlobField":true}}]},
                  {"role":"model","parts":[{"text":"An image."}]},
                  {"role":"user","parts":[{"text":"Again"}]}],
                 "systemInstruction":{"role":"user","parts":[{"text":"You are terse."}]},
                 "generationConfig":{"temperature":0.7,"topK":40,"topP":0.8,"maxOutputTokens":100,
                   "stopSequences":["END"],"thinkingConfig":{"thinkingBudget":0},"futureKnob":{"level":3}},
                 "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_MEDIUM_AND_ABOVE"}],
                 "tools":[],
                 "futureTopLevel":{"nested":["a",{"b":null}]},
                 "futureNull":null,
                 "labels":{"team":"search"}}
                """;
        Map<String, Object> body = JSON.readValue(tenantJson, Map.class);

        GenerationResponse response = adapter.generate(new GenerationRequest(FLASH, body), credential, TIMEOUT);

        assertThat(response.text()).isEqualTo("Echo: Again");
        JsonNode sent = JSON.readTree(single().body());
        assertThat(sent).isEqualTo(JSON.readTree(tenantJson));
    }

    @Test
    void theTenantsOriginalTextReachesTheUpstreamByteForByte() throws Exception {
        // what a tree cannot say twice: 1e-400 (0.0 once parsed), -0 (0), 1.50 (1.5), escapes, key order, spacing
        String tenantJson = "{\n  \"generationConfig\" : { \"temperature\": 1e-400, \"seed\" : -0,"
                + " \"topP\":1.50E0 },\r\n\t\"contents\":[ {\"parts\":[{\"text\":\"caf\\u00e9 \u00e9 \\/ \u2014\"}],"
                + "\"role\":\"user\"} ]  ,\"zFirst\":{\"b\":2,\"a\":1}}   ";
        Map<String, Object> tree = JSON.readValue(tenantJson, Map.class);
        GenerationRequest request = new GenerationRequest(FLASH, tree, tenantJson);

        GenerationResponse response = adapter.generate(request, credential, TIMEOUT);

        assertThat(response.text()).isEqualTo("Echo: café é / \u2014");
        RecordedRequest recorded = single();
        assertThat(recorded.body()).isEqualTo(tenantJson);
        assertThat(recorded.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(tenantJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // a request without its text (built from a tree, or edited) is written from the tree
        emulator.clearRecordedRequests();
        adapter.generate(request.withBody(tree), credential, TIMEOUT);
        assertThat(single().body()).isNotEqualTo(tenantJson).contains("\"temperature\":0.0").contains("\"seed\":0");
    }

    @Test
    void maxOutputTokensEndsTheReplyWithMaxTokens() throws Exception {
        Map<String, Object> body = JSON.readValue("""
                {"contents":[{"role":"user","parts":[{"text":"one two three four five six seven eight nine ten"}]}],
                 "generationConfig":{"maxOutputTokens":2}}""", Map.class);

        GenerationResponse response = adapter.generate(new GenerationRequest(FLASH, body), credential, TIMEOUT);

        assertThat(response.finishReason()).contains("MAX_TOKENS");
        assertThat(response.usage().candidatesTokens()).isLessThanOrEqualTo(2);
    }

    @Test
    void streamDeliversEveryChunkThenTheFinalUsage() throws Exception {
        String prompt = "the quick brown fox jumps over the lazy dog again and again until the end of the line";
        Recorder recorder = new Recorder(true);

        adapter.stream(request(prompt), credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.chunks).hasSizeGreaterThan(1);
        assertThat(String.join("", recorder.chunks.stream().map(GenerationResponse::text).toList()))
                .isEqualTo("Echo: " + prompt);
        assertThat(recorder.chunks.getLast().finishReason()).contains("STOP");
        Usage whole = adapter.generate(request(prompt), credential, TIMEOUT).usage();
        assertThat(recorder.completed).containsExactly(whole);
        RecordedRequest streamed = emulator.recordedRequests().getFirst();
        assertThat(streamed.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(streamed.query()).isEqualTo("alt=sse");
        // the tenant's body as it is, no SDK additions (the typed path added an empty generationConfig)
        assertThat(JSON.readTree(streamed.body())).isEqualTo(JSON.valueToTree(request(prompt).body()));
    }

    @Test
    void aStreamCutMidwayEndsWithUnavailable() {
        emulator.faults().cutStreamAfter(1, 1);
        Recorder recorder = new Recorder(true);

        adapter.stream(request("a long enough prompt to need several chunks of eight tokens each, surely"),
                credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.chunks).hasSize(1);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void anObserverReturningFalseCancelsTheStreamWithoutFurtherCallbacks() {
        Recorder recorder = new Recorder(false);

        adapter.stream(request("a long enough prompt to need several chunks of eight tokens each, surely"),
                credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.chunks).hasSize(1);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void aStreamFailingBeforeTheFirstChunkReportsTheError() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(2));
        Recorder recorder = new Recorder(true);

        adapter.stream(request("hi"), credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.chunks).isEmpty();
        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.RATE_LIMITED));
    }

    @Test
    void countTokensCountsTheContentsAsGenerationDoes() throws Exception {
        GenerationRequest request = request("How many tokens are in this sentence, exactly?");

        long counted = adapter.countTokens(request, credential, TIMEOUT);

        assertThat(counted).isPositive()
                .isEqualTo(adapter.generate(request, credential, TIMEOUT).usage().promptTokens());
        RecordedRequest recorded = emulator.recordedRequests().getFirst();
        assertThat(recorded.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:countTokens");
        assertThat(JSON.readTree(recorded.body()))
                .isEqualTo(JSON.valueToTree(Map.of("contents", request.body().get("contents"))));
    }

    @Test
    void countTokensSendsTheTenantContentsWithTheirUnknownFields() throws Exception {
        String contents = """
                [{"role":"user","parts":[{"text":"hello","futurePartField":1}]}]""";
        Map<String, Object> body = JSON.readValue("{\"contents\":" + contents
                + ",\"generationConfig\":{\"temperature\":1}}", Map.class);

        adapter.countTokens(new GenerationRequest(FLASH, body), credential, TIMEOUT);

        assertThat(JSON.readTree(single().body())).isEqualTo(JSON.readTree("{\"contents\":" + contents + "}"));
    }

    @Test
    void aBatchOfEmbeddingsGoesToBatchEmbedContentsAsSentAndComesBackAsGoogleWroteIt() throws Exception {
        String body = "{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":"
                + "\"first text\"}]},\"outputDimensionality\":16},{\"model\":\"models/gemini-embedding-001\","
                + "\"content\":{\"parts\":[{\"text\":\"second text\"}]},\"outputDimensionality\":16}]}";
        EmbeddingRequest request = new EmbeddingRequest(new ModelId("gemini-embedding-001"),
                EmbeddingRequest.Method.BATCH_EMBED_CONTENTS, JSON.readValue(body, Map.class), Optional.of(body));

        EmbeddingResponse response = adapter.embed(request, credential, TIMEOUT);

        JsonNode reply = JSON.readTree(response.json());
        assertThat(reply.path("embeddings")).hasSize(2)
                .allSatisfy(e -> assertThat(e.path("values")).hasSize(16));
        assertThat(single().path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        assertThat(single().body()).isEqualTo(body);
    }

    @Test
    void embedContentGoesToEmbedContent() throws Exception {
        String body = "{\"content\":{\"parts\":[{\"text\":\"text\"}]}}";
        EmbeddingResponse response = adapter.embed(new EmbeddingRequest(new ModelId("gemini-embedding-001"),
                EmbeddingRequest.Method.EMBED_CONTENT, JSON.readValue(body, Map.class), Optional.of(body)),
                credential, TIMEOUT);

        assertThat(JSON.readTree(response.json()).path("embedding").path("values")).hasSize(3072);
        assertThat(single().path()).isEqualTo("/v1beta/models/gemini-embedding-001:embedContent");
    }

    @Test
    void listModelsMapsNamesLimitsAndActions() {
        List<ModelInfo> models = adapter.listModels(credential, TIMEOUT);

        assertThat(models).extracting(m -> m.id().value()).contains("gemini-2.5-flash", "gemini-embedding-001");
        ModelInfo flash = models.stream().filter(m -> m.id().equals(FLASH)).findFirst().orElseThrow();
        assertThat(flash.displayName()).isEqualTo("Gemini 2.5 Flash");
        assertThat(flash.inputTokenLimit()).isEqualTo(1_048_576);
        assertThat(flash.outputTokenLimit()).isEqualTo(65_536);
        assertThat(flash.supportedGenerationMethods()).contains("generateContent", "countTokens");
        // the upstream's whole object is kept: fields the SDK's typed model renames or drops pass through
        assertThat(flash.upstreamFields()).containsEntry("name", "models/gemini-2.5-flash")
                .containsEntry("version", "2.5").containsKey("supportedGenerationMethods");
        assertThat(single().query()).isEqualTo("pageSize=1000");
    }

    @Test
    void getModelFindsAKnownModelAndNotAnUnknownOne() {
        assertThat(adapter.getModel(FLASH, credential, TIMEOUT))
                .hasValueSatisfying(m -> assertThat(m.outputTokenLimit()).isEqualTo(65_536));
        assertThat(adapter.getModel(new ModelId("gemini-0.1-nonexistent"), credential, TIMEOUT)).isEmpty();
    }

    @Test
    void rateLimitedWithTheUpstreamRetryDelayAndNoRetry() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(37));

        UpstreamException e = failure(() -> adapter.generate(request("hi"), credential, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.upstreamStatus()).isEqualTo(429);
        assertThat(e.retryDelay()).contains(Duration.ofSeconds(37));
        assertThat(emulator.recordedRequests()).hasSize(1);
    }

    @Test
    void aRetryAfterHeaderOnA5xxBecomesItsRetryDelayOnUnaryCallsAndStreams() {
        emulator.faults().serverError(2, 503, Duration.ofSeconds(4));

        UpstreamException unary = failure(() -> adapter.generate(request("hi"), credential, TIMEOUT));
        assertThat(unary.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(unary.retryDelay()).contains(Duration.ofSeconds(4));

        java.util.concurrent.atomic.AtomicReference<RuntimeException> streamed = new java.util.concurrent.atomic
                .AtomicReference<>();
        adapter.stream(request("hi"), credential, new StreamLimits(TIMEOUT, TIMEOUT), new Cancellation(),
                new StreamObserver() {
                    @Override
                    public boolean onChunk(StreamChunk chunk) {
                        return true;
                    }

                    @Override
                    public void onComplete() {
                    }

                    @Override
                    public void onError(RuntimeException failure) {
                        streamed.set(failure);
                    }
                });
        assertThat(streamed.get()).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.retryDelay()).contains(Duration.ofSeconds(4)));

        // without the header there is no delay: the retry policy's backoff decides
        emulator.faults().serverError(1, 503);
        assertThat(failure(() -> adapter.generate(request("hi"), credential, TIMEOUT)).retryDelay()).isEmpty();
    }

    @Test
    void aRateLimitNamesTheExhaustedQuotaOnEveryCallShape() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(3), "GenerateRequestsPerDayPerProjectPerModel-FreeTier")
                .rateLimit(1, Duration.ofSeconds(3));
        Recorder recorder = new Recorder(true);

        UpstreamException perDay = failure(() -> adapter.generate(request("hi"), credential, TIMEOUT));
        adapter.stream(request("hi"), credential, LIMITS, new Cancellation(), recorder);

        assertThat(perDay.quotaIds()).containsExactly("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(recorder.errors).singleElement().satisfies(e -> assertThat(((UpstreamException) e).quotaIds())
                .containsExactly("GenerateRequestsPerMinutePerProjectPerModel"));
    }

    @Test
    void fractionalRetryDelaysAreKept() {
        emulator.faults().rateLimit(1, Duration.ofMillis(1500));

        UpstreamException e = failure(() -> adapter.generate(request("hi"), credential, TIMEOUT));

        assertThat(e.retryDelay()).contains(Duration.ofMillis(1500));
    }

    @Test
    void serviceUnavailableIsTranslatedAfterOneRequestWithoutTheSdkBackoffSleep() {
        adapter.generate(request("warm up the client"), credential, TIMEOUT);
        emulator.clearRecordedRequests();
        emulator.faults().serverError(1, 503);
        long start = System.nanoTime();

        UpstreamException e = failure(() -> adapter.generate(request("hi"), credential, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.upstreamStatus()).isEqualTo(503);
        assertThat(emulator.recordedRequests()).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
    }

    @Test
    void serverErrorsMapByStatus() {
        emulator.faults().serverError(1, 500);
        assertThat(failure(() -> adapter.generate(request("hi"), credential, TIMEOUT)).kind())
                .isEqualTo(Kind.UNAVAILABLE);
        emulator.faults().serverError(1, 504);
        assertThat(failure(() -> adapter.countTokens(request("hi"), credential, TIMEOUT)).kind())
                .isEqualTo(Kind.TIMEOUT);
        assertThat(emulator.recordedRequests()).hasSize(2);
    }

    @Test
    void anUnknownModelIsNotFound() {
        UpstreamException e = failure(() -> adapter.generate(
                new GenerationRequest(new ModelId("gemini-0.1-nonexistent"), request("hi").body()), credential, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.upstreamStatus()).isEqualTo(404);
    }

    @Test
    void anInvalidRequestCarriesTheUpstreamMessage() throws Exception {
        Map<String, Object> body = JSON.readValue("""
                {"contents":[{"role":"narrator","parts":[{"text":"hi"}]}]}""",
                Map.class);

        UpstreamException e = failure(() -> adapter.generate(new GenerationRequest(FLASH, body), credential, TIMEOUT));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(e.upstreamStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("Please use a valid role: user, model.").doesNotContain("Details:");
    }

    @Test
    void aHangingUpstreamTimesOutWithinTheGivenTimeout() {
        emulator.faults().hang(1);
        long start = System.nanoTime();

        UpstreamException e = failure(() -> adapter.generate(request("hi"), credential, Duration.ofMillis(700)));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofMillis(2500));
        assertThat(emulator.recordedRequests()).hasSize(1);
    }

    @Test
    void aHangingCallOnAVirtualThreadTimesOutAtItsDeadlineAndLeavesTheThreadUninterrupted() throws Exception {
        emulator.faults().hang(1);
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread virtual = Thread.ofVirtual().start(() -> {
            outcome.set(failure(() -> adapter.generate(request("hi"), credential, Duration.ofMillis(700))));
            // the same thread goes on to a normal call: no interrupt may be left over from the deadline
            outcome.set(List.of(outcome.get(), Thread.currentThread().isInterrupted(),
                    adapter.generate(request("after"), credential, TIMEOUT).text()));
        });
        virtual.join(Duration.ofSeconds(10));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<?> results = (List<?>) outcome.get();
        assertThat(((UpstreamException) results.get(0)).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(results.get(1)).isEqualTo(false);
        assertThat(results.get(2)).isEqualTo("Echo: after");
        assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofMillis(5000));
    }

    @Test
    void aHangingStreamTimesOutThroughTheObserver() {
        emulator.faults().hang(1);
        Recorder recorder = new Recorder(true);
        long start = System.nanoTime();

        adapter.stream(request("hi"), credential, new StreamLimits(Duration.ofMillis(700), TIMEOUT),
                new Cancellation(), recorder);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.TIMEOUT));
    }

    @Test
    void theIdleDeadlineEndsAStreamThatSendsNothingWhileTheTotalOneIsFarAway() {
        emulator.faults().hang(1);
        Recorder recorder = new Recorder(true);
        long start = System.nanoTime();

        adapter.stream(request("hi"), credential, new StreamLimits(Duration.ofMinutes(5), Duration.ofMillis(600)),
                new Cancellation(), recorder);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("idle");
        });
    }

    @Test
    void aCancellationStopsAWaitingStreamWithoutACallback() throws Exception {
        emulator.faults().hang(1);
        Recorder recorder = new Recorder(true);
        Cancellation cancellation = new Cancellation();
        Thread streaming = Thread.ofVirtual().start(() -> adapter.stream(request("hi"), credential,
                new StreamLimits(Duration.ofMinutes(5), Duration.ofMinutes(5)), cancellation, recorder));
        Thread.sleep(300);

        cancellation.cancel();

        assertThat(streaming.join(Duration.ofSeconds(2))).isTrue();
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.completed).isEmpty();
    }

    @Test
    void aClosedAdapterRefusesCalls() {
        GenAiGenerationAdapter closing = new GenAiGenerationAdapter();
        closing.generate(request("hi"), credential, TIMEOUT);
        closing.close();

        assertThat(failure(() -> closing.generate(request("hi"), credential, TIMEOUT)).kind())
                .isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void theConfiguredApiVersionIsUsed() {
        try (GenAiGenerationAdapter v1 = new GenAiGenerationAdapter(GenAiSettings.defaults().withGeminiApiVersion("v1"))) {
            v1.generate(request("hi"), credential, TIMEOUT);
        }
        assertThat(single().path()).isEqualTo("/v1/models/gemini-2.5-flash:generateContent");
    }

    static GenerationRequest request(String text) {
        return new GenerationRequest(FLASH, Map.of("contents",
                List.of(Map.of("role", "user", "parts", List.of(Map.of("text", text))))));
    }

    /**
     * The tenant's body as it goes on the wire: untouched, except that the SDK always writes a
     * {@code generationConfig} object, empty when the tenant sent none (the same request for Google).
     */
    static UpstreamException failure(Runnable call) {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, call::run);
        assertThat(e).as("an UpstreamException").isNotNull();
        return e;
    }

    private static RecordedRequest single() {
        assertThat(emulator.recordedRequests()).hasSize(1);
        return emulator.recordedRequests().getFirst();
    }

    /** Records what the adapter reports; answers {@code keepGoing} to every chunk. */
    static final class Recorder implements StreamObserver {
        final List<GenerationResponse> chunks = new CopyOnWriteArrayList<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<Usage> completed = new ArrayList<>();
        private Usage lastUsage = Usage.NONE;
        final List<RuntimeException> errors = new ArrayList<>();
        private final boolean keepGoing;

        Recorder(boolean keepGoing) {
            this.keepGoing = keepGoing;
        }

        @Override
        public boolean onChunk(StreamChunk chunk) {
            chunks.add(chunk.response());
            texts.add(chunk.json());
            chunk.usage().ifPresent(u -> lastUsage = u);
            return keepGoing;
        }

        @Override
        public void onComplete() {
            completed.add(lastUsage);
        }

        @Override
        public void onError(RuntimeException failure) {
            errors.add(failure);
        }
    }
}
