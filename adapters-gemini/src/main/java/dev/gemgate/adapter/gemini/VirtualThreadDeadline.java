package dev.gemgate.adapter.gemini;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds a blocking call made on a virtual thread by interrupting that thread at the deadline: the JDK then closes a
 * socket the virtual thread is blocked on, and OkHttp fails the call with an InterruptedIOException. This replaces
 * OkHttp's per-call timeout on the hot path, which costs a throw-away client per call and okio's AsyncTimeout (one
 * global, lock-guarded list, scanned on every cancel): together the largest CPU cost at 64 concurrent calls.
 * A lock makes "finished" and "interrupted" exclusive, so no interrupt can reach the thread after the call returned.
 */
final class VirtualThreadDeadline {
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "gemgate-upstream-deadline");
        thread.setDaemon(true);
        return thread;
    });

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    private VirtualThreadDeadline() {
    }

    static boolean applies() {
        return Thread.currentThread().isVirtual();
    }

    static <T> T call(Duration timeout, Supplier<T> work) {
        Thread caller = Thread.currentThread();
        Object guard = new Object();
        boolean[] finished = {false};
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
            synchronized (guard) {
                if (!finished[0]) {
                    caller.interrupt();
                }
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return work.get();
        } finally {
            synchronized (guard) {
                finished[0] = true;
            }
            alarm.cancel(false);
            Thread.interrupted(); // a deadline that fired has done its work: leave the thread clean
        }
    }
}
