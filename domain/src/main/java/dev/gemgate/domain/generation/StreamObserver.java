package dev.gemgate.domain.generation;

/**
 * Receives a streamed generation chunk by chunk, as the upstream produces them, then exactly one of
 * {@link #onComplete()} or {@link #onError}, unless it cancelled the stream (by returning false from
 * {@link #onChunk}, or through the call's {@link Cancellation}): then no further callback is made.
 */
public interface StreamObserver {
    /** @return false to cancel the upstream call (the client went away) */
    boolean onChunk(StreamChunk chunk);

    /**
     * Whether {@link #onChunk} never blocks. A port may then call it on the thread that reads the upstream (an event
     * loop), as each chunk arrives, instead of on the thread that called the port; it asks {@link #holdUntilReady} after
     * each chunk, and still calls {@link #onComplete} or {@link #onError} on the calling thread, which waits in the port
     * until the stream is over. Default: false (every callback on the calling thread, which {@link #onChunk} may hold).
     */
    default boolean nonBlocking() {
        return false;
    }

    /**
     * Flow control for a {@link #nonBlocking} observer, asked after each chunk: true if it cannot take another chunk
     * yet, and then it runs {@code ready} (once, from any thread) when it can, and the port reads no more of the
     * upstream until then; false if it can take more now ({@code ready} is not run).
     */
    default boolean holdUntilReady(Runnable ready) {
        return false;
    }

    /** The upstream ended the stream normally; the last chunk carried the final usage. */
    void onComplete();

    /** The stream failed before its end (a cut connection, an error event, a deadline); chunks before it stand. */
    void onError(RuntimeException failure);
}
