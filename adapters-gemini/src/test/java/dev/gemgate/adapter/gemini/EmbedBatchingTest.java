package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.EmulatorEmbeddings;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Micro-batching of embeddings ({@link EmbedBatcher}) through the adapter, against the emulator over real HTTP. */
class EmbedBatchingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String MODEL = "gemini-embedding-001";
    private static final ModelId EMBEDDING = new ModelId(MODEL);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough that only a full batch, or the held call's completion, sends it in these tests. */
    private static final Duration LONG_WINDOW = Duration.ofSeconds(1);
    /**
     * How long the emulator holds the call that makes the others contend ({@link #holdTheKey}): long enough for every
     * caller a test starts to join the open batch before it completes and sends it.
     */
    private static final Duration HOLD = Duration.ofMillis(800);

    private static GeminiEmulator emulator;
    private static UpstreamCredential credential;
    private GenAiGenerationAdapter adapter;
    /** The held calls a test started ({@link #holdTheKey}): awaited after it, so that none lands in the next test. */
    private final List<Future<EmbeddingResponse>> held = new ArrayList<>();

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("primary"), "test-key-123",
                Optional.of(emulator.baseUrl()));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void clean() {
        emulator.reset();
        emulator.actionLog().clear();
        emulator.clearRecordedRequests();
    }

    @AfterEach
    void closeAdapter() {
        for (Future<EmbeddingResponse> call : held) {
            try {
                call.get();
            } catch (Exception ignored) {
                // its outcome was the test's business
            }
        }
        if (adapter != null) {
            adapter.close();
        }
    }

    private GenAiGenerationAdapter adapter(Duration window, int maxRequests) {
        adapter = new GenAiGenerationAdapter(GenAiSettings.defaults()
                .withEmbedBatching(EmbedBatching.on(window, maxRequests)));
        return adapter;
    }

    @Test
    void concurrentEmbedsGoUpstreamAsOneCallAndEachCallerGetsTheVectorsOfItsOwnTexts() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 24);
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {                       // 16 embedContent calls of one text: 16 items
            String text = "text number " + i;
            texts.add(List.of(text));
            calls.add(() -> batching.embed(embedContent(text, 8), credential, TIMEOUT));
        }
        for (int i = 0; i < 4; i++) {                        // 4 batchEmbedContents calls of two texts: 8 items
            List<String> pair = List.of("pair " + i + " first", "pair " + i + " second");
            texts.add(pair);
            calls.add(() -> batching.embed(batch(pair, 8), credential, TIMEOUT));
        }

        Future<EmbeddingResponse> heldCall = holdTheKey(batching, HOLD);
        List<EmbeddingResponse> answers = runTogether(calls);

        assertVector(JSON.readTree(heldCall.get().json()).path("embedding"), "held", 8);
        for (int i = 0; i < answers.size(); i++) {
            JsonNode reply = JSON.readTree(answers.get(i).json());
            if (i < 16) {
                assertThat(reply.fieldNames()).toIterable().containsExactly("embedding");
                assertVector(reply.path("embedding"), texts.get(i).getFirst(), 8);
            } else {
                assertThat(reply.fieldNames()).toIterable().containsExactly("embeddings");
                assertThat(reply.path("embeddings")).hasSize(2);
                assertVector(reply.path("embeddings").get(0), texts.get(i).get(0), 8);
                assertVector(reply.path("embeddings").get(1), texts.get(i).get(1), 8);
            }
            assertThat(answers.get(i).reportedTokens()).isEmpty();
        }
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isEqualTo(1);
        assertThat(emulator.actionLog().items(MODEL, "batchEmbedContents")).isEqualTo(24);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1); // the held call, alone
        RecordedRequest sent = emulator.recordedRequests().getLast();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        assertThat(JSON.readTree(sent.body()).path("requests")).allSatisfy(item ->
                assertThat(item.path("model").asText()).isEqualTo("models/gemini-embedding-001"));
    }

    @Test
    void callsBeyondTheLargestCallGoInSeveralCallsAndACallerNeverSpansTwo() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 10);
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<String> three = List.of("t" + i + "a", "t" + i + "b", "t" + i + "c");
            calls.add(() -> batching.embed(batch(three, 4), credential, TIMEOUT));
        }

        holdTheKey(batching, HOLD);
        List<EmbeddingResponse> answers = runTogether(calls);

        for (int i = 0; i < answers.size(); i++) {
            JsonNode embeddings = JSON.readTree(answers.get(i).json()).path("embeddings");
            assertThat(embeddings).hasSize(3);
            assertVector(embeddings.get(2), "t" + i + "c", 4);
        }
        // 3 items per caller, 10 at most per call: at most 3 callers (9 items) share a call
        assertThat(emulator.actionLog().items(MODEL, "batchEmbedContents")).isEqualTo(30);
        assertThat(emulator.actionLog().usage(MODEL, "batchEmbedContents").largestCall()).isEqualTo(9);
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isBetween(4L, 10L);
    }

    @Test
    void aCombinedBodyStaysUnderGooglesFourMegabyteLimit() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 3);
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String text = i + "x".repeat(1_500_000);                  // 1.5 MB each: two fit in one call, not three
            texts.add(text);
            calls.add(() -> batching.embed(embedContent(text, 4), credential, TIMEOUT));
        }

        holdTheKey(batching, HOLD);
        List<EmbeddingResponse> answers = runTogether(calls);

        for (int i = 0; i < 3; i++) {
            assertVector(JSON.readTree(answers.get(i).json()).path("embedding"), texts.get(i), 4);
        }
        assertThat(emulator.recordedRequests()).allSatisfy(r ->
                assertThat(r.body().length()).isLessThanOrEqualTo(4_194_304));
        assertThat(emulator.actionLog().usage(MODEL, "batchEmbedContents").largestCall()).isEqualTo(2);
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")
                + emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(3); // the held call, then two
    }

    @Test
    void differentTaskTypesAndDimensionsShareACallEachKeepingItsOwnButOtherModelsAndCredentialsDoNot()
            throws Exception {
        GenAiGenerationAdapter batching = adapter(Duration.ofMillis(300), 100);
        UpstreamCredential other = UpstreamCredential.apiKey(new UpstreamCredentialId("secondary"), "other-key",
                Optional.of(emulator.baseUrl()));
        String queryBody = "{\"content\":{\"parts\":[{\"text\":\"a query\"}]},\"taskType\":\"RETRIEVAL_QUERY\","
                + "\"outputDimensionality\":8}";
        String documentBody = "{\"content\":{\"parts\":[{\"text\":\"a document\"}]},\"taskType\":"
                + "\"RETRIEVAL_DOCUMENT\",\"title\":\"Doc\",\"outputDimensionality\":32}";
        List<Callable<EmbeddingResponse>> calls = List.of(
                () -> batching.embed(embedContent(queryBody), credential, TIMEOUT),
                () -> batching.embed(embedContent(documentBody), credential, TIMEOUT),
                () -> batching.embed(embedContent("on the other key", 8), other, TIMEOUT),
                () -> batching.embed(new EmbeddingRequest(new ModelId("gemini-2.5-flash"),
                        EmbeddingRequest.Method.EMBED_CONTENT, parse(body("another model", 8)),
                        Optional.of(body("another model", 8))), credential, TIMEOUT));

        holdTheKey(batching, HOLD); // only the first credential's model is in flight
        List<Future<EmbeddingResponse>> answers = startTogether(calls);

        assertVector(JSON.readTree(answers.get(0).get().json()).path("embedding"), "a query", 8);
        assertVector(JSON.readTree(answers.get(1).get().json()).path("embedding"), "a document", 32);
        assertVector(JSON.readTree(answers.get(2).get().json()).path("embedding"), "on the other key", 8);
        assertThat(catchFailure(answers.get(3))).isInstanceOf(UpstreamException.class); // no embeddings there
        assertThat(emulator.recordedRequests()).extracting(RecordedRequest::path)
                .contains("/v1beta/models/gemini-2.5-flash:embedContent");
        // the two of the first credential shared one call carrying each one's own fields; the other key and the other
        // model had nothing to share a call with, and went alone at once, as they came (embedContent)
        List<JsonNode> combined = new ArrayList<>();
        for (RecordedRequest r : emulator.recordedRequests()) {
            if (r.path().endsWith("gemini-embedding-001:batchEmbedContents")) {
                combined.add(JSON.readTree(r.body()));
            }
        }
        assertThat(combined).hasSize(1);
        assertThat(combined.getFirst().path("requests")).hasSize(2);
        assertThat(combined.getFirst().path("requests").findValuesAsText("taskType"))
                .containsExactlyInAnyOrder("RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT");
        assertThat(combined.getFirst().path("requests").findValuesAsText("title")).containsExactly("Doc");
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(2); // the held call, the other key
        assertThat(emulator.keyLog().calls("other-key")).isEqualTo(1);
    }

    @Test
    void aLoneCallGoesUpstreamAtOnceExactlyAsItCame() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 100);
        String body = "{ \"content\" : {\"parts\":[{\"text\":\"alone\"}]}, \"outputDimensionality\": 4 }";
        batching.embed(embedContent("warm-up", 4), credential, TIMEOUT); // the HTTP client is built at the first call

        long started = System.nanoTime();
        EmbeddingResponse response = batching.embed(embedContent(body), credential, TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertVector(JSON.readTree(response.json()).path("embedding"), "alone", 4);
        RecordedRequest sent = emulator.recordedRequests().getLast();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-embedding-001:embedContent");
        assertThat(sent.body()).isEqualTo(body);
        // nothing was in flight: it did not wait for the (one-second) window
        assertThat(took).isLessThan(LONG_WINDOW);
    }

    @Test
    void sequentialCallsNeverShareACall() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 100);
        for (int i = 0; i < 5; i++) {
            assertVector(JSON.readTree(batching.embed(embedContent("one after another " + i, 4), credential, TIMEOUT)
                    .json()).path("embedding"), "one after another " + i, 4);
        }

        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(5);
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isZero();
    }

    @Test
    void a429OfTheCombinedCallReachesEveryCallerAsItsOwnErrorWithoutAResend() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 6);
        holdTheKey(batching, HOLD);
        emulator.faults().forModel(MODEL).rateLimit(1, Duration.ofSeconds(7)); // the next call: the combined one
        List<Throwable> failures = failuresOf(batching, 6);

        Set<Throwable> distinct = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable failure : failures) {
            assertThat(failure).isInstanceOf(UpstreamException.class);
            UpstreamException e = (UpstreamException) failure;
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.RATE_LIMITED);
            assertThat(e.retryDelay()).contains(Duration.ofSeconds(7));
            assertThat(e.getMessage()).doesNotContain("test-key-123");
            distinct.add(e);
        }
        assertThat(distinct).hasSize(6);
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isEqualTo(1);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1); // the held call; no resend
    }

    @Test
    void a503OfTheCombinedCallSendsEveryCallerAgainAloneAndEachGetsTheOutcomeOfItsOwnCall() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 100);
        holdTheKey(batching, HOLD);
        emulator.faults().forModel(MODEL).serverError(1, 503); // one-shot: the next call, the combined one
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String text = "resent " + i;
            calls.add(() -> batching.embed(embedContent(text, 8), credential, TIMEOUT));
        }

        List<EmbeddingResponse> answers = runTogether(calls);

        for (int i = 0; i < 6; i++) {
            assertVector(JSON.readTree(answers.get(i).json()).path("embedding"), "resent " + i, 8);
        }
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isEqualTo(1); // the 503
        assertThat(emulator.actionLog().items(MODEL, "batchEmbedContents")).isEqualTo(6);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1 + 6); // the held call, the resends
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void aCombinedCallThatRunsOutOfTimeLeavesEveryCallerHalfItsTimeForItsOwnCall() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 100);
        holdTheKey(batching, HOLD);
        emulator.faults().forModel(MODEL).latency(1, Duration.ofSeconds(10)); // the combined call: far too slow
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String text = "in time " + i;
            calls.add(() -> batching.embed(embedContent(text, 8), credential, Duration.ofSeconds(5)));
        }

        List<EmbeddingResponse> answers = runTogether(calls);

        for (int i = 0; i < 4; i++) {
            assertVector(JSON.readTree(answers.get(i).json()).path("embedding"), "in time " + i, 8);
        }
        // the combined call gave up after half the time left, then each went alone (a real call of its own)
        assertThat(emulator.recordedRequests()).extracting(RecordedRequest::path)
                .filteredOn(path -> path.endsWith(":batchEmbedContents")).hasSize(1);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1 + 4);
    }

    @Test
    void anInvalidRequestOfOneCallerDoesNotFailTheOthers() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 4);
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String text = "good " + i;
            calls.add(() -> batching.embed(embedContent(text, 8), credential, TIMEOUT));
        }
        calls.add(() -> batching.embed(embedContent("too many dimensions", 999_999), credential, TIMEOUT));

        holdTheKey(batching, HOLD);
        List<Future<EmbeddingResponse>> results = startTogether(calls);

        for (int i = 0; i < 3; i++) {
            assertVector(JSON.readTree(results.get(i).get().json()).path("embedding"), "good " + i, 8);
        }
        Throwable bad = catchFailure(results.get(3));
        assertThat(bad).isInstanceOf(UpstreamException.class);
        assertThat(((UpstreamException) bad).kind()).isEqualTo(UpstreamException.Kind.INVALID_REQUEST);
        // the held call, the combined call (400), then each caller alone
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isEqualTo(1);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1 + 4);
    }

    @Test
    void aCallerWhoseDeadlinePassesGetsATimeoutWhileTheOthersGetTheirAnswers() throws Exception {
        GenAiGenerationAdapter batching = adapter(LONG_WINDOW, 100);
        holdTheKey(batching, HOLD); // the hurried one's deadline passes while it waits for the held call
        List<Future<EmbeddingResponse>> results = startTogether(List.of(
                () -> batching.embed(embedContent("in a hurry", 8), credential, Duration.ofMillis(300)),
                () -> batching.embed(embedContent("patient", 8), credential, TIMEOUT)));

        Throwable hurried = catchFailure(results.get(0));
        assertThat(hurried).isInstanceOf(UpstreamException.class);
        assertThat(((UpstreamException) hurried).kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
        assertVector(JSON.readTree(results.get(1).get().json()).path("embedding"), "patient", 8);
        // the hurried one was not sent any more: the patient one went alone
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isZero();
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1 + 1);
    }

    @Test
    void theWindowSendsABatchThatIsNotFull() throws Exception {
        GenAiGenerationAdapter batching = adapter(Duration.ofMillis(400), 100);
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String text = "windowed " + i;
            calls.add(() -> batching.embed(embedContent(text, 8), credential, TIMEOUT));
        }

        Future<EmbeddingResponse> heldCall = holdTheKey(batching, Duration.ofSeconds(2));
        List<EmbeddingResponse> answers = runTogether(calls);

        assertThat(heldCall).isNotDone(); // the window sent the batch, not the held call's completion

        for (int i = 0; i < 5; i++) {
            assertVector(JSON.readTree(answers.get(i).json()).path("embedding"), "windowed " + i, 8);
        }
        assertThat(emulator.actionLog().items(MODEL, "batchEmbedContents")).isEqualTo(5);
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isEqualTo(1);
    }

    @Test
    void offSendsEveryCallAlone() throws Exception {
        adapter = new GenAiGenerationAdapter(GenAiSettings.defaults());
        GenAiGenerationAdapter plain = adapter;
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String text = "plain " + i;
            calls.add(() -> plain.embed(embedContent(text, 8), credential, TIMEOUT));
        }

        runTogether(calls);

        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(8);
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isZero();
    }

    /**
     * Starts a call of {@code batching} for the test model that the emulator holds for {@code hold}, and returns once it
     * is in flight (the emulator took its one-shot latency fault): the calls a test starts next contend with it.
     */
    private Future<EmbeddingResponse> holdTheKey(GenAiGenerationAdapter batching, Duration hold)
            throws InterruptedException {
        emulator.faults().forModel(MODEL).latency(1, hold);
        ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor();
        Future<EmbeddingResponse> call = thread.submit(() -> batching.embed(embedContent("held", 8), credential,
                TIMEOUT));
        thread.shutdown();
        held.add(call);
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!emulator.faults().pending().isEmpty()) {
            assertThat(System.nanoTime()).as("the held call reached the emulator").isLessThan(giveUp);
            Thread.sleep(2);
        }
        return call;
    }

    private List<Throwable> failuresOf(GenAiGenerationAdapter batching, int callers) throws Exception {
        List<Callable<EmbeddingResponse>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            String text = "failing " + i;
            calls.add(() -> batching.embed(embedContent(text, 8), credential, TIMEOUT));
        }
        List<Throwable> failures = new ArrayList<>();
        for (Future<EmbeddingResponse> result : startTogether(calls)) {
            failures.add(catchFailure(result));
        }
        return failures;
    }

    private static Throwable catchFailure(Future<EmbeddingResponse> result) throws InterruptedException {
        try {
            result.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static List<EmbeddingResponse> runTogether(List<Callable<EmbeddingResponse>> calls) throws Exception {
        List<EmbeddingResponse> answers = new ArrayList<>();
        for (Future<EmbeddingResponse> result : startTogether(calls)) {
            answers.add(result.get());
        }
        return answers;
    }

    /** Starts every call on its own virtual thread at once (a latch releases them together). */
    private static List<Future<EmbeddingResponse>> startTogether(List<Callable<EmbeddingResponse>> calls) {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<EmbeddingResponse>> results = new ArrayList<>();
        for (Callable<EmbeddingResponse> call : calls) {
            results.add(threads.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        threads.close();
        return results;
    }

    private static void assertVector(JsonNode embedding, String text, int dimensions) {
        float[] expected = EmulatorEmbeddings.embed(text, dimensions);
        JsonNode values = embedding.path("values");
        assertThat(values).hasSize(dimensions);
        for (int i = 0; i < dimensions; i++) {
            assertThat(values.get(i).floatValue()).isCloseTo(expected[i], within(1e-6f));
        }
    }

    private static String body(String text, int dimensions) {
        return "{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}]},\"outputDimensionality\":" + dimensions + "}";
    }

    private static EmbeddingRequest embedContent(String text, int dimensions) {
        return embedContent(body(text, dimensions));
    }

    private static EmbeddingRequest embedContent(String body) {
        return new EmbeddingRequest(EMBEDDING, EmbeddingRequest.Method.EMBED_CONTENT, parse(body), Optional.of(body));
    }

    private static EmbeddingRequest batch(List<String> texts, int dimensions) {
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < texts.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"model\":\"models/").append(MODEL)
                    .append("\",\"content\":{\"parts\":[{\"text\":\"").append(texts.get(i))
                    .append("\"}]},\"outputDimensionality\":").append(dimensions).append('}');
        }
        body.append("]}");
        return new EmbeddingRequest(EMBEDDING, EmbeddingRequest.Method.BATCH_EMBED_CONTENTS, parse(body.toString()),
                Optional.of(body.toString()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
