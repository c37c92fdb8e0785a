package dev.gemgate.adapter.gemini;

import java.time.Duration;
import java.util.Objects;

/**
 * Micro-batching of embeddings ({@link EmbedBatcher}), only under contention: a call with no call of its model and
 * upstream credential in flight goes alone, at once; calls arriving while one is in flight share one
 * {@code batchEmbedContents} call, sent when a call in flight completes, when {@code window} has passed since the batch
 * opened, or as soon as it holds {@code maxRequests} embeddings, whichever comes first.
 *
 * @param enabled     off: every call goes upstream alone, at once (the behaviour before micro-batching)
 * @param window      the longest a batch waits for a call in flight to complete (1 microsecond to 1 second)
 * @param maxRequests the most embeddings one upstream call carries, from 2 to 100 (Google's limit per
 *                    batchEmbedContents call is 100); a caller asking for this many or more goes alone
 */
public record EmbedBatching(boolean enabled, Duration window, int maxRequests) {
    /** Google refuses a batchEmbedContents call of more requests. */
    public static final int GOOGLE_MAX_REQUESTS = 100;

    public EmbedBatching {
        Objects.requireNonNull(window, "window");
        if (window.compareTo(Duration.ofNanos(1000)) < 0 || window.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("embed-batching window must be from 1us to 1s: " + window);
        }
        if (maxRequests < 2 || maxRequests > GOOGLE_MAX_REQUESTS) {
            throw new IllegalArgumentException("embed-batching max-requests must be from 2 to "
                    + GOOGLE_MAX_REQUESTS + ": " + maxRequests);
        }
    }

    /** Off: each embedding call goes upstream alone. */
    public static EmbedBatching off() {
        return new EmbedBatching(false, Duration.ofMillis(5), GOOGLE_MAX_REQUESTS);
    }

    /** On, with this window and size. */
    public static EmbedBatching on(Duration window, int maxRequests) {
        return new EmbedBatching(true, window, maxRequests);
    }
}
