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
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The upstream port behind a circuit breaker per upstream credential x model and a bulkhead per credential, both
 * SmallRye Fault Tolerance {@link Guard}s built here (the programmatic API: one guard per key, which annotations cannot
 * express).
 *
 * <p><b>What counts as a failure.</b> Only an {@link UpstreamException} of kind {@link Kind#UNAVAILABLE} (500, 502, 503,
 * a failed connection) or {@link Kind#TIMEOUT} (504, a deadline): the upstream is down or too slow. Every other outcome
 * counts as a success, since the upstream answered: 429 ({@link Kind#RATE_LIMITED}, which {@code UpstreamGate} handles),
 * 400, 404, a rejected credential, an unreadable body. SmallRye has no "neither": a call the client cancelled (a stream
 * whose {@link Cancellation} was signalled) is therefore recorded as a success, never as a failure, whatever error it
 * ended with; so is an exception thrown by a stream's observer.
 *
 * <p><b>Refusals.</b> A call through an open circuit, or a half-open one whose probe calls are all in flight, fails at
 * once with {@link Kind#CIRCUIT_OPEN}, its retry delay the time left until the circuit lets a probe through (the
 * configured {@code open-for} while a probe is in flight); a call over the credential's cap of calls in flight fails at
 * once with {@link Kind#CREDENTIAL_BUSY}. Neither calls the upstream. The bulkhead is outside the breaker, so a refusal
 * by the bulkhead is never recorded by the breaker (it is no news about the upstream).
 *
 * <p><b>Streams.</b> A stream holds its bulkhead place until it ended. Its failure reaches the observer's
 * {@code onError} exactly once, after the breaker recorded it (before or after the first chunk alike: a stream the
 * upstream cuts with a 503 or lets stall is an upstream failure either way). A refused stream gets {@code onError} with
 * the refusal, and the delegate is not called.
 *
 * <p><b>Keys.</b> The model of a model listing is {@link #MODEL_LISTING}. The use cases only call the upstream for models
 * the pricing catalog serves, so the circuits (and their meters) are bounded by credentials x served models. The meters,
 * per circuit once used: {@code gemgate_upstream_circuit_state{credential,model}} (0 closed, 1 half-open, 2 open) and
 * {@code gemgate_upstream_circuit_opened_total{credential,model}}; the credential label is its id, never its secret.
 * The guards have no description, so SmallRye records no {@code ft_*} meters of its own for them (it would add about
 * fifteen series per circuit).
 */
public final class GuardedGenerationPort implements GenerationPort, UpstreamCircuits {
    /** The circuit of model listings, which name no model. */
    public static final ModelId MODEL_LISTING = new ModelId("models.list");

    private final GenerationPort delegate;
    private final CircuitSettings settings;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<UpstreamCredentialId, CredentialGuards> credentials = new ConcurrentHashMap<>();

    public GuardedGenerationPort(GenerationPort delegate, CircuitSettings settings, MeterRegistry registry) {
        this.delegate = delegate;
        this.settings = settings;
        this.registry = registry;
    }

    public CircuitSettings settings() {
        return settings;
    }

    @Override
    public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        return call(credential, request.model(), () -> delegate.generate(request, credential, timeout));
    }

    @Override
    public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        return call(credential, request.model(), () -> delegate.countTokens(request, credential, timeout));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        return call(credential, request.model(), () -> delegate.embed(request, credential, timeout));
    }

    @Override
    public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
        return call(credential, MODEL_LISTING, () -> delegate.listModels(credential, timeout));
    }

    @Override
    public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
        return call(credential, model, () -> delegate.getModel(model, credential, timeout));
    }

    @Override
    public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                       Cancellation cancellation, StreamObserver observer) {
        HeldFailure held = new HeldFailure(observer);
        try {
            call(credential, request.model(), () -> {
                held.started = true;
                delegate.stream(request, credential, limits, cancellation, held);
                RuntimeException failure = held.failure;
                if (failure != null && !cancellation.isCancelled() && isUpstreamFailure(failure)) {
                    throw failure; // for the breaker to record; delivered below
                }
                return null;
            });
        } catch (UpstreamException e) {
            if (!held.started) {
                observer.onError(e); // refused: the circuit is open or the credential busy
                return;
            }
            if (e != held.failure) {
                throw e;
            }
        }
        RuntimeException failure = held.failure;
        if (failure != null) {
            observer.onError(failure);
        }
    }

    @Override
    public CircuitState state(UpstreamCredentialId credential, ModelId model) {
        CredentialGuards guards = credentials.get(credential);
        Circuit circuit = guards == null ? null : guards.circuits.get(model);
        return circuit == null ? CircuitState.CLOSED : circuit.state;
    }

    @Override
    public Map<UpstreamCredentialId, Map<ModelId, CircuitState>> states() {
        Map<UpstreamCredentialId, Map<ModelId, CircuitState>> states = new LinkedHashMap<>();
        credentials.forEach((id, guards) -> {
            Map<ModelId, CircuitState> byModel = new LinkedHashMap<>();
            guards.circuits.forEach((model, circuit) -> byModel.put(model, circuit.state));
            if (!byModel.isEmpty()) {
                states.put(id, Map.copyOf(byModel));
            }
        });
        return Map.copyOf(states);
    }

    /**
     * Drops a deleted credential's circuits, bulkhead and meters; a credential added again under the same id starts
     * afresh. Calls in flight finish on the dropped guards.
     */
    public void forget(UpstreamCredentialId credential) {
        CredentialGuards guards = credentials.remove(credential);
        if (guards != null) {
            guards.unregister();
        }
    }

    /** Removes every meter: the registry may outlive this port (several boots in one JVM, as in the tests). */
    public void close() {
        credentials.keySet().forEach(this::forget);
    }

    private <T> T call(UpstreamCredential credential, ModelId model, Supplier<T> work) {
        CredentialGuards guards = credentials.computeIfAbsent(credential.id(), CredentialGuards::new);
        Circuit circuit = settings.enabled() ? guards.circuit(model) : null;
        Supplier<Object> guarded = circuit == null ? work::get : () -> circuit.guard.get(work::get, Object.class);
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guards.bulkhead.get(guarded, Object.class);
            return result;
        } catch (CircuitBreakerOpenException e) {
            throw circuit.refusal();
        } catch (BulkheadException e) {
            throw new UpstreamException(Kind.CREDENTIAL_BUSY, 0, "upstream credential " + credential.id()
                    + " has " + settings.maxInFlightPerCredential() + " calls in flight, its cap", null, null);
        }
    }

    private static boolean isUpstreamFailure(Throwable failure) {
        return failure instanceof UpstreamException u && (u.kind() == Kind.UNAVAILABLE || u.kind() == Kind.TIMEOUT);
    }

    /** One credential's bulkhead and its circuits, by model. */
    private final class CredentialGuards {
        private final UpstreamCredentialId id;
        private final Guard bulkhead;
        private final ConcurrentHashMap<ModelId, Circuit> circuits = new ConcurrentHashMap<>();

        CredentialGuards(UpstreamCredentialId id) {
            this.id = id;
            // no queueing: a full credential answers at once, so that the caller can try another one
            this.bulkhead = Guard.create().withBulkhead().limit(settings.maxInFlightPerCredential()).done().build();
        }

        Circuit circuit(ModelId model) {
            Circuit circuit = circuits.get(model);
            return circuit != null ? circuit : circuits.computeIfAbsent(model, m -> new Circuit(id, m));
        }

        void unregister() {
            circuits.values().forEach(Circuit::unregister);
        }
    }

    /** One credential x model's circuit breaker, its state as the breaker last reported it, and its meters. */
    private final class Circuit {
        private final UpstreamCredentialId credential;
        private final ModelId model;
        private final Guard guard;
        private final Gauge gauge;
        private final Counter opened;
        private volatile long openedNanos;
        private volatile CircuitState state = CircuitState.CLOSED;

        Circuit(UpstreamCredentialId credential, ModelId model) {
            this.credential = credential;
            this.model = model;
            this.opened = Counter.builder("gemgate.upstream.circuit.opened")
                    .description("Times an upstream credential x model's circuit breaker opened")
                    .tags("credential", credential.value(), "model", model.value()).register(registry);
            this.gauge = Gauge.builder("gemgate.upstream.circuit.state", this, c -> c.state.ordinal())
                    .description("An upstream credential x model's circuit breaker: 0 closed, 1 half-open, 2 open")
                    .tags("credential", credential.value(), "model", model.value()).strongReference(true)
                    .register(registry);
            this.guard = Guard.create()
                    .withCircuitBreaker()
                    .requestVolumeThreshold(settings.window())
                    .failureRatio(settings.failureRatio())
                    .delay(settings.openFor().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(settings.probes())
                    .when(GuardedGenerationPort::isUpstreamFailure)
                    .onStateChange(this::changed) // on the calling thread, or SmallRye's timer for open -> half-open
                    .done()
                    .build();
        }

        private void changed(CircuitBreakerState to) {
            switch (to) {
                case OPEN -> {
                    openedNanos = System.nanoTime();
                    state = CircuitState.OPEN;
                    opened.increment();
                }
                case HALF_OPEN -> state = CircuitState.HALF_OPEN;
                case CLOSED -> state = CircuitState.CLOSED;
            }
        }

        UpstreamException refusal() {
            CircuitState now = state;
            Duration retryDelay = settings.openFor();
            String detail = " is open";
            if (now == CircuitState.OPEN) {
                long leftNanos = settings.openFor().toNanos() - (System.nanoTime() - openedNanos);
                retryDelay = Duration.ofMillis(Math.max(1, (leftNanos + 999_999) / 1_000_000));
            } else if (now == CircuitState.HALF_OPEN) {
                detail = " is open (half-open: its probe calls are in flight)";
            }
            return new UpstreamException(Kind.CIRCUIT_OPEN, 0, "the circuit for " + model.resourceName()
                    + " on credential " + credential + detail, retryDelay, null);
        }

        void unregister() {
            registry.remove(gauge);
            registry.remove(opened);
        }
    }

    /**
     * Passes chunks and completion through and keeps the first failure back, so that the breaker records it before the
     * observer sees it; {@link #stream} delivers it once.
     */
    private static final class HeldFailure implements StreamObserver {
        private final StreamObserver observer;
        private volatile boolean started;
        private volatile RuntimeException failure;

        HeldFailure(StreamObserver observer) {
            this.observer = observer;
        }

        @Override
        public boolean onChunk(StreamChunk chunk) {
            return observer.onChunk(chunk);
        }

        @Override
        public boolean nonBlocking() {
            return observer.nonBlocking();
        }

        @Override
        public boolean holdUntilReady(Runnable ready) {
            return observer.holdUntilReady(ready);
        }

        @Override
        public void onComplete() {
            observer.onComplete();
        }

        @Override
        public void onError(RuntimeException error) {
            if (failure == null) {
                failure = error;
            }
        }
    }
}
