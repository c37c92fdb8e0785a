package dev.gemgate.domain.generation;

/**
 * Receives a streamed generation chunk by chunk, as the upstream produces them, then exactly one of
 * {@link #onComplete()} or {@link #onError}, unless it cancelled the stream (by returning false from
 * {@link #onChunk}, or through the call's {@link Cancellation}): then no further callback is made.
 */
public interface StreamObserver {
    /** @return false to cancel the upstream call (the client went away) */
    boolean onChunk(StreamChunk chunk);

    /** The upstream ended the stream normally; the last chunk carried the final usage. */
    void onComplete();

    /** The stream failed before its end (a cut connection, an error event, a deadline); chunks before it stand. */
    void onError(RuntimeException failure);
}
