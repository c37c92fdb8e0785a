package dev.gemgate.domain.generation;

import java.util.ArrayList;
import java.util.List;

/**
 * A one-way signal that a call's result is no longer wanted (its client went away), shared between the surface that
 * notices and the adapter that can stop the upstream call. Thread-safe; a callback registered after the signal ran
 * runs at once, on the registering thread.
 */
public final class Cancellation {
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean cancelled;

    /** Signals; runs every registered callback once. Idempotent. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        toRun.forEach(Cancellation::runQuietly);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Runs {@code callback} when (or, if already cancelled, as soon as) the signal is given. */
    public void onCancel(Runnable callback) {
        synchronized (this) {
            if (!cancelled) {
                callbacks.add(callback);
                return;
            }
        }
        runQuietly(callback);
    }

    /** Drops {@code callback} (the call it would stop has ended). */
    public synchronized void remove(Runnable callback) {
        callbacks.remove(callback);
    }

    private static void runQuietly(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException ignored) {
            // one callback failing must not keep the others from running
        }
    }
}
