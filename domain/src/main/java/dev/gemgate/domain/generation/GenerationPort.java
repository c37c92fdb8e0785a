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

    /**
     * Streams a generation: blocks until the stream ended, delivering each chunk to {@code observer} as it arrives and
     * ending with exactly one of {@code onComplete}/{@code onError}, unless the observer or {@code cancellation} stopped
     * it (then the upstream call is closed within a bounded time and no further callback is made). A failure before
     * the first chunk is reported to {@code onError} too.
     */
    void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                Cancellation cancellation, StreamObserver observer);

    /** Counts the tokens of {@code request}'s contents as the upstream does. */
    long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout);

    /** Embeds with the request's own method (embedContent or batchEmbedContents), answering in that method's form. */
    EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout);

    List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout);

    Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout);
}
