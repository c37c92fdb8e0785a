package dev.gemgate.app;

import dev.gemgate.application.request.InFlight;
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
import java.util.function.Supplier;

/**
 * The upstream port with a count of its calls in progress, so that a shutdown can wait for them before it closes the
 * upstream clients and the in-process emulator ({@link GracefulShutdown}). The calls a request makes are also covered
 * by its ticket, which the shutdown waits for first; this count also covers the calls made outside a request (a
 * batch job's poll, a resource's clean-up).
 */
public final class UpstreamCallsInFlight implements GenerationPort {
    private final GenerationPort delegate;
    private final InFlight calls = new InFlight();

    public UpstreamCallsInFlight(GenerationPort delegate) {
        this.delegate = delegate;
    }

    /** Upstream calls in progress now. */
    public int inFlight() {
        return calls.current();
    }

    /** Waits until no upstream call is in progress; false if some still were after {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return calls.awaitNone(timeout);
    }

    private <T> T track(Supplier<T> call) {
        calls.begun();
        try {
            return call.get();
        } finally {
            calls.ended();
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
