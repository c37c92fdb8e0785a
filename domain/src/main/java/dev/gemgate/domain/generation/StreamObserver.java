package dev.gemgate.domain.generation;

/**
 * Receives a streamed generation chunk by chunk, as the upstream produces them. Each chunk is a whole
 * GenerateContentResponse body; the last carries the final usage.
 */
public interface StreamObserver {
    /** @return false to cancel the upstream call (the client went away) */
    boolean onChunk(GenerationResponse chunk);

    void onComplete(Usage finalUsage);

    void onError(RuntimeException failure);
}
