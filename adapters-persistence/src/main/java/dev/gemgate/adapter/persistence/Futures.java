package dev.gemgate.adapter.persistence;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for work another thread does on this caller's behalf, its failure rethrown as that thread threw it. */
final class Futures {
    private Futures() {
    }

    /**
     * The result of {@code future}; a failure comes out as the exception it was completed with (a
     * {@code ServiceUnavailableException} stays one, so an outage keeps its 503), not wrapped in a
     * {@link CompletionException}.
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
