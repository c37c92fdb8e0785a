package dev.gemgate.app;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The circuit breakers and bulkheads around the upstream, on real SmallRye Fault Tolerance guards (standalone) and a
 * scripted upstream. SmallRye has no injectable clock, so the open delay is a short real one (200 ms) and the
 * move to half-open is awaited with a bounded poll.
 */
class GuardedGenerationPortTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final ModelId PRO = ModelId.parse("gemini-2.5-pro");
    /** Long enough that an open circuit stays open throughout a test, however slow the machine. */
    private static final Duration OPEN_FOR = Duration.ofMinutes(1);
    /** For the tests of the half-open state, which wait for it (SmallRye has no clock to move). */
    private static final Duration SHORT_OPEN_FOR = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final StreamLimits LIMITS = new StreamLimits(Duration.ofSeconds(5), Duration.ofSeconds(5));
    private static final UpstreamCredential FIRST = UpstreamCredential.apiKey(new UpstreamCredentialId("first"),
            "first-secret-AIza", Optional.empty());
    private static final UpstreamCredential SECOND = UpstreamCredential.apiKey(new UpstreamCredentialId("second"),
            "second-secret-AIza", Optional.empty());

    /** A window of 4 calls, opened by 2 failures among them; one probe closes it; two calls in flight per credential. */
    private static final CircuitSettings SETTINGS = new CircuitSettings(true, 4, 0.5, OPEN_FOR, 1, 2);

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private MeterRegistry registry = new SimpleMeterRegistry();
    private GuardedGenerationPort port = new GuardedGenerationPort(upstream, SETTINGS, registry);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void release() {
        upstream.release();
        threads.shutdownNow();
    }

    @Test
    void opensAfterTheConfiguredFailuresThenFailsFastWithoutCallingTheUpstream() {
        upstream.failWith(FLASH, unavailable());
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> generate(FIRST, FLASH)).hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE);
            assertThat(port.state(FIRST.id(), FLASH)).as("the window is not full yet").isEqualTo(CircuitState.CLOSED);
        }
        assertThatThrownBy(() -> generate(FIRST, FLASH)).hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE);
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.OPEN);

        assertThatThrownBy(() -> generate(FIRST, FLASH)).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
            assertThat(e.upstreamStatus()).isZero();
            assertThat(e.getMessage()).isEqualTo("the circuit for models/gemini-2.5-flash on credential first is open")
                    .doesNotContain(FIRST.secret());
            assertThat(e.retryDelay()).as("the time left until half-open").hasValueSatisfying(d ->
                    assertThat(d).isGreaterThan(OPEN_FOR.minusSeconds(30)).isLessThanOrEqualTo(OPEN_FOR));
        });
        assertThat(upstream.calls(FLASH)).isEqualTo(4);
        assertThat(gauge(FIRST, FLASH)).isEqualTo(2.0);
        assertThat(opened(FIRST, FLASH)).isEqualTo(1.0);
        assertThat(port.states()).isEqualTo(Map.of(FIRST.id(), Map.of(FLASH, CircuitState.OPEN)));
    }

    @Test
    void afterTheDelayOneProbeGoesThroughAndASuccessfulProbeClosesTheCircuit() {
        useShortOpenDelay();
        open(FIRST, FLASH);

        awaitState(FIRST, FLASH, CircuitState.HALF_OPEN);
        assertThat(gauge(FIRST, FLASH)).isEqualTo(1.0);
        upstream.failWith(FLASH, null);
        assertThat(generate(FIRST, FLASH).servedModel()).isEqualTo(FLASH);

        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.CLOSED);
        assertThat(gauge(FIRST, FLASH)).isEqualTo(0.0);
        assertThat(upstream.calls(FLASH)).isEqualTo(5);
    }

    @Test
    void aFailedProbeOpensTheCircuitAgain() {
        useShortOpenDelay();
        open(FIRST, FLASH);
        awaitState(FIRST, FLASH, CircuitState.HALF_OPEN);

        assertThatThrownBy(() -> generate(FIRST, FLASH)).hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE);

        // opened a second time (the state itself may already be half-open again, 200 ms later on a slow machine)
        assertThat(opened(FIRST, FLASH)).isEqualTo(2.0);
        awaitState(FIRST, FLASH, CircuitState.HALF_OPEN);
        upstream.failWith(FLASH, null);
        generate(FIRST, FLASH);
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.CLOSED);
        assertThat(upstream.calls(FLASH)).as("four failures and two probes").isEqualTo(6);
    }

    @Test
    void whileTheProbeIsInFlightOtherCallsAreRefused() throws Exception {
        useShortOpenDelay();
        open(FIRST, FLASH);
        awaitState(FIRST, FLASH, CircuitState.HALF_OPEN);
        upstream.failWith(FLASH, null);
        upstream.hold(FIRST.id());
        Future<GenerationResponse> probe = threads.submit(() -> generate(FIRST, FLASH));
        await(() -> upstream.inFlight() == 1);

        assertThatThrownBy(() -> generate(FIRST, FLASH)).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
            assertThat(e.retryDelay()).contains(SHORT_OPEN_FOR);
        });
        upstream.release();
        probe.get(5, TimeUnit.SECONDS);
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.CLOSED);
        assertThat(upstream.calls(FLASH)).isEqualTo(5);
    }

    @Test
    void rateLimitsRefusedRequestsAndMissingModelsNeverOpenIt() {
        List<UpstreamException> answers = List.of(
                new UpstreamException(Kind.RATE_LIMITED, 429, "quota", Duration.ofSeconds(7), null),
                new UpstreamException(Kind.INVALID_REQUEST, 400, "bad request"),
                new UpstreamException(Kind.NOT_FOUND, 404, "no such model"),
                new UpstreamException(Kind.CREDENTIAL_REJECTED, 403, "upstream credential rejected"));
        for (UpstreamException answer : answers) {
            upstream.failWith(FLASH, answer);
            for (int i = 0; i < 4; i++) { // a whole window of each
                assertThatThrownBy(() -> generate(FIRST, FLASH)).isSameAs(answer);
            }
            assertThat(port.state(FIRST.id(), FLASH)).as(answer.kind().name()).isEqualTo(CircuitState.CLOSED);
        }

        assertThat(upstream.calls(FLASH)).isEqualTo(16);
        assertThat(opened(FIRST, FLASH)).isZero();
    }

    @Test
    void timeoutsCountAsFailures() {
        upstream.failWith(FLASH, new UpstreamException(Kind.TIMEOUT, 504, "the upstream timed out"));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> generate(FIRST, FLASH)).hasFieldOrPropertyWithValue("kind", Kind.TIMEOUT);
        }
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void circuitsArePerCredentialAndModel() {
        open(FIRST, FLASH);
        upstream.failWith(FLASH, null);

        assertThat(generate(FIRST, PRO).servedModel()).isEqualTo(PRO);
        assertThat(generate(SECOND, FLASH).servedModel()).isEqualTo(FLASH);
        assertThat(port.countTokens(new GenerationRequest(PRO, body()), FIRST, TIMEOUT)).isEqualTo(7);
        assertThat(port.listModels(FIRST, TIMEOUT)).isEmpty();

        assertThatThrownBy(() -> generate(FIRST, FLASH)).hasFieldOrPropertyWithValue("kind", Kind.CIRCUIT_OPEN);
        assertThat(port.states()).isEqualTo(Map.of(
                FIRST.id(), Map.of(FLASH, CircuitState.OPEN, PRO, CircuitState.CLOSED,
                        GuardedGenerationPort.MODEL_LISTING, CircuitState.CLOSED),
                SECOND.id(), Map.of(FLASH, CircuitState.CLOSED)));
        assertThat(port.state(SECOND.id(), PRO)).as("never called").isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aStreamFailingBeforeItsFirstChunkCountsAndItsObserverHearsOnce() {
        upstream.failWith(FLASH, unavailable());
        for (int i = 0; i < 4; i++) {
            RecordingObserver observer = stream(FIRST, FLASH, new Cancellation());
            assertThat(observer.chunks).isZero();
            assertThat(observer.errors).singleElement().extracting(UpstreamException.class::cast)
                    .extracting(UpstreamException::kind).isEqualTo(Kind.UNAVAILABLE);
            assertThat(observer.completions).isZero();
        }
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.OPEN);

        RecordingObserver refused = stream(FIRST, FLASH, new Cancellation());

        assertThat(refused.errors).singleElement().isInstanceOfSatisfying(UpstreamException.class, e ->
                assertThat(e.kind()).isEqualTo(Kind.CIRCUIT_OPEN));
        assertThat(refused.chunks).isZero();
        assertThat(upstream.calls(FLASH)).as("the refused stream never reached the upstream").isEqualTo(4);
    }

    @Test
    void aStreamCutAfterItsChunksCountsToo() {
        upstream.failWith(FLASH, unavailable());
        upstream.chunksBeforeEnd = 2;
        for (int i = 0; i < 4; i++) {
            RecordingObserver observer = stream(FIRST, FLASH, new Cancellation());
            assertThat(observer.chunks).isEqualTo(2);
            assertThat(observer.errors).hasSize(1);
            assertThat(observer.completions).isZero();
        }
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void aCompletedStreamIsASuccess() {
        upstream.chunksBeforeEnd = 3;
        RecordingObserver observer = stream(FIRST, FLASH, new Cancellation());

        assertThat(observer.chunks).isEqualTo(3);
        assertThat(observer.completions).isEqualTo(1);
        assertThat(observer.errors).isEmpty();
    }

    @Test
    void aStreamTheClientCancelledIsNeverAFailure() {
        upstream.failWith(FLASH, new UpstreamException(Kind.TIMEOUT, 0,
                "the upstream call was cancelled: the caller went away"));
        for (int i = 0; i < 8; i++) {
            Cancellation cancelled = new Cancellation();
            cancelled.cancel();
            stream(FIRST, FLASH, cancelled);
        }
        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.CLOSED);
        assertThat(upstream.calls(FLASH)).isEqualTo(8);
    }

    @Test
    void aFullCredentialRefusesAtOnceAndFreesItsPlacesWhenCallsEnd() throws Exception {
        upstream.hold(FIRST.id());
        Future<GenerationResponse> first = threads.submit(() -> generate(FIRST, FLASH));
        Future<RecordingObserver> second = threads.submit(() -> stream(FIRST, PRO, new Cancellation()));
        await(() -> upstream.inFlight() == 2);

        assertThatThrownBy(() -> generate(FIRST, ModelId.parse("gemini-3.5-flash")))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CREDENTIAL_BUSY);
                    assertThat(e.getMessage()).contains("first").doesNotContain(FIRST.secret());
                });
        RecordingObserver refusedStream = stream(FIRST, FLASH, new Cancellation());
        assertThat(refusedStream.errors).singleElement().extracting(UpstreamException.class::cast)
                .extracting(UpstreamException::kind).isEqualTo(Kind.CREDENTIAL_BUSY);
        assertThat(generate(SECOND, FLASH).servedModel()).as("another credential has its own places").isEqualTo(FLASH);
        assertThat(upstream.totalCalls()).isEqualTo(3);

        upstream.release();
        first.get(5, TimeUnit.SECONDS);
        assertThat(second.get(5, TimeUnit.SECONDS).completions).isEqualTo(1);
        assertThat(generate(FIRST, FLASH).servedModel()).isEqualTo(FLASH);
        assertThat(stream(FIRST, FLASH, new Cancellation()).completions).isEqualTo(1);
        assertThat(port.state(FIRST.id(), ModelId.parse("gemini-3.5-flash")))
                .as("a refusal by the bulkhead is no news about the upstream").isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void forgettingACredentialDropsItsCircuitsAndMeters() {
        open(FIRST, FLASH);
        upstream.failWith(FLASH, null);
        generate(SECOND, FLASH);

        port.forget(FIRST.id());

        assertThat(port.state(FIRST.id(), FLASH)).isEqualTo(CircuitState.CLOSED);
        assertThat(registry.find("gemgate.upstream.circuit.state").tag("credential", "first").gauges()).isEmpty();
        assertThat(registry.find("gemgate.upstream.circuit.opened").tag("credential", "first").counters()).isEmpty();
        assertThat(generate(FIRST, FLASH).servedModel()).as("a fresh circuit").isEqualTo(FLASH);
        assertThat(gauge(FIRST, FLASH)).isEqualTo(0.0);
        assertThat(gauge(SECOND, FLASH)).isEqualTo(0.0);
    }

    @Test
    void disabledCircuitsNeverOpen() {
        GuardedGenerationPort unguarded = new GuardedGenerationPort(upstream,
                new CircuitSettings(false, 4, 0.5, OPEN_FOR, 1, 2), registry);
        upstream.failWith(FLASH, unavailable());
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> unguarded.generate(new GenerationRequest(FLASH, body()), FIRST, TIMEOUT))
                    .hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE);
        }
        assertThat(upstream.calls(FLASH)).isEqualTo(10);
        assertThat(unguarded.states()).isEmpty();
        assertThat(registry.find("gemgate.upstream.circuit.state").gauges()).isEmpty();
    }

    /** A port whose circuits are half-open 200 ms after they opened, on a registry of its own. */
    private void useShortOpenDelay() {
        registry = new SimpleMeterRegistry();
        port = new GuardedGenerationPort(upstream, new CircuitSettings(true, 4, 0.5, SHORT_OPEN_FOR, 1, 2), registry);
    }

    private void open(UpstreamCredential credential, ModelId model) {
        upstream.failWith(model, unavailable());
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> generate(credential, model)).hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE);
        }
        assertThat(opened(credential, model)).isEqualTo(1.0);
    }

    private GenerationResponse generate(UpstreamCredential credential, ModelId model) {
        return port.generate(new GenerationRequest(model, body()), credential, TIMEOUT);
    }

    private RecordingObserver stream(UpstreamCredential credential, ModelId model, Cancellation cancellation) {
        RecordingObserver observer = new RecordingObserver();
        port.stream(new GenerationRequest(model, body()), credential, LIMITS, cancellation, observer);
        return observer;
    }

    private double gauge(UpstreamCredential credential, ModelId model) {
        return registry.get("gemgate.upstream.circuit.state").tag("credential", credential.id().value())
                .tag("model", model.value()).gauge().value();
    }

    private double opened(UpstreamCredential credential, ModelId model) {
        return registry.get("gemgate.upstream.circuit.opened").tag("credential", credential.id().value())
                .tag("model", model.value()).counter().count();
    }

    private void awaitState(UpstreamCredential credential, ModelId model, CircuitState state) {
        await(() -> port.state(credential.id(), model) == state);
    }

    /** Polls (SmallRye's timer moves the circuit to half-open; no clock to move), at most 5 s. */
    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the condition held within 5 s").isLessThan(deadline);
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static UpstreamException unavailable() {
        return new UpstreamException(Kind.UNAVAILABLE, 503, "the upstream is unavailable (503 UNAVAILABLE)");
    }

    private static Map<String, Object> body() {
        return Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "Hello")))));
    }

    private static final class RecordingObserver implements StreamObserver {
        volatile int chunks;
        volatile int completions;
        final List<RuntimeException> errors = new CopyOnWriteArrayList<>();

        @Override
        public boolean onChunk(StreamChunk chunk) {
            chunks++;
            return true;
        }

        @Override
        public void onComplete() {
            completions++;
        }

        @Override
        public void onError(RuntimeException failure) {
            errors.add(failure);
        }
    }

    /** Answers every call, or fails it as scripted per model; can hold calls until released. */
    private static final class ScriptedUpstream implements GenerationPort {
        private final Map<ModelId, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final Map<ModelId, RuntimeException> failures = new ConcurrentHashMap<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile CountDownLatch held = new CountDownLatch(0);
        private volatile UpstreamCredentialId heldCredential;
        volatile int chunksBeforeEnd;

        void failWith(ModelId model, RuntimeException failure) {
            if (failure == null) {
                failures.remove(model);
            } else {
                failures.put(model, failure);
            }
        }

        /** Holds the calls made with {@code credential} until {@link #release()}. */
        void hold(UpstreamCredentialId credential) {
            heldCredential = credential;
            held = new CountDownLatch(1);
        }

        void release() {
            held.countDown();
        }

        int calls(ModelId model) {
            AtomicInteger count = calls.get(model);
            return count == null ? 0 : count.get();
        }

        int totalCalls() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        int inFlight() {
            return inFlight.get();
        }

        /** Counts the call, waits while held, and returns the failure scripted for the model, if any. */
        private RuntimeException enter(ModelId model, UpstreamCredential credential) {
            calls.computeIfAbsent(model, m -> new AtomicInteger()).incrementAndGet();
            inFlight.incrementAndGet();
            try {
                if (credential.id().equals(heldCredential) && !held.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("held for too long");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                inFlight.decrementAndGet();
            }
            return failures.get(model);
        }

        private <T> T answer(ModelId model, UpstreamCredential credential, T answer) {
            RuntimeException failure = enter(model, credential);
            if (failure != null) {
                throw failure;
            }
            return answer;
        }

        @Override
        public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
            return answer(request.model(), credential, new GenerationResponse(request.model(), Map.of(), Usage.NONE));
        }

        @Override
        public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                           Cancellation cancellation, StreamObserver observer) {
            RuntimeException failure = enter(request.model(), credential);
            for (int i = 0; i < chunksBeforeEnd; i++) {
                observer.onChunk(new StreamChunk("{}", new GenerationResponse(request.model(), Map.of(), Usage.NONE),
                        Optional.empty(), System.nanoTime()));
            }
            if (failure != null) {
                observer.onError(failure);
            } else {
                observer.onComplete();
            }
        }

        @Override
        public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
            return answer(request.model(), credential, 7L);
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
            return answer(GuardedGenerationPort.MODEL_LISTING, credential, List.of());
        }

        @Override
        public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
            return answer(model, credential, Optional.empty());
        }
    }
}
