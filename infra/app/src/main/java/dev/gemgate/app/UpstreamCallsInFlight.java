package dev.gemgate.app;

import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The upstream port with a count of its calls in progress, so that a shutdown can wait for them before it closes the
 * upstream clients, the in-process emulator and the audit writer ({@link GracefulShutdown}). Quarkus's HTTP drain
 * counts a request until its response ends <em>or its client goes away</em>; the use case of a request whose client
 * went away still runs, and its upstream call is billed and must be audited.
 */
public final class UpstreamCallsInFlight implements GenerationPort {
    private final GenerationPort delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private final Object idle = new Object();

    public UpstreamCallsInFlight(GenerationPort delegate) {
        this.delegate = delegate;
    }

    /** Upstream calls in progress now. */
    public int inFlight() {
        return calls.get();
    }

    /** Waits until no upstream call is in progress; false if some still were after {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (calls.get() > 0) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    return false;
                }
                idle.wait(remainingMillis);
            }
        }
        return true;
    }

    private <T> T track(Supplier<T> call) {
        calls.incrementAndGet();
        try {
            return call.get();
        } finally {
            if (calls.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    @Override
    public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        return track(() -> delegate.generate(request, credential, timeout));
    }

    @Override
    public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                       Cancellation cancellation, StreamObserver observer) {
        track(() -> {
            delegate.stream(request, credential, limits, cancellation, observer);
            return null;
        });
    }

    @Override
    public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        return track(() -> delegate.countTokens(request, credential, timeout));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        return track(() -> delegate.embed(request, credential, timeout));
    }

    @Override
    public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
        return track(() -> delegate.listModels(credential, timeout));
    }

    @Override
    public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
        return track(() -> delegate.getModel(model, credential, timeout));
    }
}
