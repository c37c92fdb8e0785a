package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.adapter.gemini.EmbedBatching;
import dev.gemgate.adapter.gemini.GenAiGenerationAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.EmulatorEmbeddings;
import dev.gemgate.emulator.GeminiEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Micro-batching of embeddings under the circuit breaker, as the app stacks them ({@link GuardedGenerationPort} over the
 * adapter, one breaker call per caller): one combined call that fails is not N failures. The breaker judges the last
 * {@value #CALLERS} calls and opens at half of them failing, so if the combined call's 503 reached its
 * {@value #CALLERS} callers as their own errors, it would open at once.
 */
class EmbedBatchingCircuitTest {
    private static final String MODEL = "gemini-embedding-001";
    private static final ModelId EMBEDDING = new ModelId(MODEL);
    private static final int CALLERS = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiEmulator emulator;
    private GenAiGenerationAdapter adapter;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private GuardedGenerationPort port;
    private UpstreamCredential credential;

    @BeforeEach
    void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().build());
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("primary"), "test-key-123",
                Optional.of(emulator.baseUrl()));
        adapter = new GenAiGenerationAdapter(GenAiSettings.defaults()
                .withEmbedBatching(EmbedBatching.on(Duration.ofSeconds(1), 100)));
        port = new GuardedGenerationPort(adapter,
                new CircuitSettings(true, CALLERS, 0.5, Duration.ofSeconds(30), 1, 10_000), registry);
    }

    @AfterEach
    void stop() {
        port.close();
        adapter.close();
        emulator.close();
    }

    @Test
    void aCombinedCallThatFailsOnceWith503IsResentPerCallerAndTheCircuitStaysClosed() throws Exception {
        // a held call keeps the key in flight, so the callers wait in one batch, sent when it completes
        emulator.faults().forModel(MODEL).latency(1, Duration.ofMillis(800));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        Future<EmbeddingResponse> heldCall = threads.submit(() -> port.embed(embedContent("held"), credential,
                TIMEOUT));
        long giveUp = System.nanoTime() + TIMEOUT.toNanos();
        while (!emulator.faults().pending().isEmpty()) { // the held call reached the emulator and took its latency
            assertThat(System.nanoTime()).isLessThan(giveUp);
            Thread.sleep(2);
        }
        emulator.faults().forModel(MODEL).serverError(1, 503); // one-shot: the next call, the combined one
        CountDownLatch go = new CountDownLatch(1);
        List<Future<EmbeddingResponse>> results = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            String text = "caller " + i;
            results.add(threads.submit(() -> {
                go.await();
                return port.embed(embedContent(text), credential, TIMEOUT);
            }));
        }
        go.countDown();

        for (int i = 0; i < CALLERS; i++) {
            assertVector(JSON.readTree(results.get(i).get().json()).path("embedding"), "caller " + i);
        }
        heldCall.get();
        threads.close();

        // the one combined call failed (503), then every caller went alone and succeeded
        assertThat(emulator.actionLog().calls(MODEL, "batchEmbedContents")).isEqualTo(1);
        assertThat(emulator.actionLog().items(MODEL, "batchEmbedContents")).isEqualTo(CALLERS);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isEqualTo(1 + CALLERS);
        assertThat(emulator.faults().pending()).isEmpty();
        // the breaker counted real calls: 1 + CALLERS successes, no failure; still closed, never opened
        assertThat(port.state(credential.id(), EMBEDDING)).isEqualTo(CircuitState.CLOSED);
        assertThat(port.states()).isEqualTo(Map.of(credential.id(), Map.of(EMBEDDING, CircuitState.CLOSED)));
        assertThat(registry.get("gemgate.upstream.circuit.opened").tags("credential", "primary", "model", MODEL)
                .counter().count()).isZero();
        // and the breaker does work here: the same number of real failures opens it
        emulator.faults().forModel(MODEL).serverError(CALLERS, 503);
        for (int i = 0; i < CALLERS; i++) {
            try {
                port.embed(embedContent("down " + i), credential, TIMEOUT);
            } catch (UpstreamException expected) {
                // a 503, then (once open) the circuit's refusal
            }
        }
        assertThat(port.state(credential.id(), EMBEDDING)).isEqualTo(CircuitState.OPEN);
    }

    private static EmbeddingRequest embedContent(String text) {
        String body = "{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}]},\"outputDimensionality\":8}";
        return new EmbeddingRequest(EMBEDDING, EmbeddingRequest.Method.EMBED_CONTENT,
                Map.of("content", Map.of("parts", List.of(Map.of("text", text))), "outputDimensionality", 8),
                Optional.of(body));
    }

    private static void assertVector(JsonNode embedding, String text) {
        float[] expected = EmulatorEmbeddings.embed(text, 8);
        JsonNode values = embedding.path("values");
        assertThat(values).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(values.get(i).floatValue()).isCloseTo(expected[i], within(1e-6f));
        }
    }
}
