package dev.gemgate.application.request;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of pieces of work begun and not yet ended, that a shutdown can wait on: the {@link Ticket}s an
 * {@link Admission} opened and has not yet closed (settled, failed, abandoned or handed over), or the upstream calls in
 * progress. Beginning and ending cost one atomic update each; only the end of the last one wakes a waiter.
 */
public final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private final Object idle = new Object();

    public void begun() {
        count.incrementAndGet();
    }

    public void ended() {
        if (count.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** How many have begun and not ended now. */
    public int current() {
        return count.get();
    }

    /** Waits until none is in progress; false if some still were after {@code timeout}. */
    public boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (count.get() > 0) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    return false;
                }
                idle.wait(remainingMillis);
            }
        }
        return true;
    }
}
