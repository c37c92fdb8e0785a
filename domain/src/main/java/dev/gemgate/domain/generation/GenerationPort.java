package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Port: the upstream Gemini service. Calls block the calling (virtual) thread. Every failure is an
 * {@link UpstreamException}; implementations never retry on their own (Gemgate owns retries) and never put the
 * credential's secret into a message.
 */
public interface GenerationPort {
    GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout);

    void stream(GenerationRequest request, UpstreamCredential credential, Duration timeout, StreamObserver observer);

    /** Counts the tokens of {@code request}'s contents as the upstream does. */
    long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout);

    EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout);

    List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout);

    Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout);
}
