package dev.gemgate.adapter.gemini;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Bounds one upstream HTTP exchange made on the current thread by cancelling its OkHttp Call (RST_STREAM on h2), or
 * resetting {@link VertxTransport}'s exchange, never by interrupting the thread.
 *
 * <p>Why not an interrupt: OkHttp multiplexes many calls on one HTTP/2 connection, and the calling thread writes its
 * own frames to that shared socket. A virtual thread interrupted while it writes (or that enters a socket write with
 * the interrupt flag still set) makes the JDK close the socket, which fails every other call on the connection.
 * {@link Call#cancel()} instead resets only this call's stream (an HTTP/1.1 call has its own socket, which it closes),
 * and wakes the thread whether it waits for response frames or for flow-control credit to write request frames. A
 * thread blocked in the socket write itself (the TCP send buffer full) cannot be woken by anything short of closing
 * the socket: it stops within one frame once that write completes ({@link FrameSizedBody}), so the deadline is late by
 * the time the connection takes to drain a frame.
 *
 * <p>Why not OkHttp's own call timeout: it needs a throw-away client per call and enters okio's {@code AsyncTimeout}
 * (one global, lock-guarded list, scanned on every cancel), together the largest CPU cost at 64 concurrent calls in
 * {@code infra/bench}. Here one shared daemon thread runs every deadline.
 *
 * <p>How a call gets attached: {@link #INTERCEPTOR}, an application interceptor on the shared transport, attaches each
 * call made on a thread while a guard is open on it. The SDK's synchronous calls run OkHttp's {@code execute()} on the
 * calling thread, so its interceptors do too; the SDK's async calls run on OkHttp's dispatcher threads and are not
 * guarded. If the guard fired before the call was attached, the call is cancelled as it is attached.
 *
 * <p>Thread safety: {@link #cancel()}, {@link #fired()} and {@link #touch()} are safe from any thread; {@link #open}
 * and {@link #close()} belong on the calling thread (a close from elsewhere still disarms the guard, but the thread
 * keeps a stale binding that is ignored and replaced by its next {@code open}).
 */
final class UpstreamCallGuard implements AutoCloseable {
    enum Reason { TOTAL_DEADLINE, IDLE_DEADLINE, CANCELLED }

    private static final ThreadLocal<UpstreamCallGuard> CURRENT = new ThreadLocal<>();

    /**
     * Attaches the call to the guard open on the calling thread, if any, and hands its body to OkHttp a frame at a
     * time ({@link FrameSizedBody}: so that a cancel stops an upload within a frame). Install on the shared transport.
     */
    static final Interceptor INTERCEPTOR = chain -> {
        UpstreamCallGuard guard = CURRENT.get();
        if (guard == null) {
            return chain.proceed(chain.request());
        }
        guard.attach(chain.call()::cancel);
        Response response = chain.proceed(FrameSizedBody.of(chain.request()));
        guard.answered(response.code(), response.header("Retry-After"));
        return response;
    };

    private final Watchdog watchdog;
    private final Thread owner;
    private final Object lock = new Object();
    /** The {@code Retry-After} of a 429 or 5xx answer to the call, if it sent one (read by UpstreamErrors). */
    private volatile Optional<Duration> retryAfter = Optional.empty();
    /** Written under {@link #lock}; volatile so {@link #fired()} needs no lock. */
    private volatile Reason fired;
    private volatile long lastTouchNanos;
    // guarded by lock
    private boolean closed;
    /** Cancels the attached exchange: OkHttp's {@link Call#cancel()}, or {@link VertxTransport}'s reset. */
    private Runnable call;
    private Watchdog.Alarm totalAlarm;
    private Watchdog.Alarm idleAlarm;
    private long idleNanos;
    /** Bumped whenever the idle deadline changes, so a check scheduled for an older one does nothing. */
    private long idleGeneration;

    private UpstreamCallGuard(Watchdog watchdog, Thread owner) {
        this.watchdog = watchdog;
        this.owner = owner;
    }

    /**
     * Arms a total deadline and binds the guard to the current thread: the next OkHttp call made on this thread
     * (through the shared transport) is attached to it. A deadline that is not positive has already passed: the call
     * is cancelled as it starts. Opening a guard replaces the binding of one still open on this thread.
     */
    static UpstreamCallGuard open(Duration total) {
        return open(total, Watchdog.SHARED);
    }

    /** {@link #open(Duration)} on a given watchdog (tests move its time by hand). */
    static UpstreamCallGuard open(Duration total, Watchdog watchdog) {
        Objects.requireNonNull(total, "total");
        UpstreamCallGuard guard = new UpstreamCallGuard(Objects.requireNonNull(watchdog, "watchdog"),
                Thread.currentThread());
        guard.lastTouchNanos = watchdog.nanoTime();
        CURRENT.set(guard);
        long nanos = saturatedNanos(total);
        if (nanos <= 0) {
            guard.fire(Reason.TOTAL_DEADLINE);
        } else {
            synchronized (guard.lock) {
                if (guard.fired == null) {
                    guard.totalAlarm = watchdog.schedule(() -> guard.fire(Reason.TOTAL_DEADLINE), nanos);
                }
            }
        }
        return guard;
    }

    /**
     * Arms (or changes) an idle deadline: fires when touch() has not been called for {@code idle}, counted from now.
     * Cheap: touch() only writes a volatile timestamp; the watchdog re-checks and re-schedules itself for the
     * remaining time.
     */
    void idleDeadline(Duration idle) {
        long nanos = saturatedNanos(Objects.requireNonNull(idle, "idle"));
        if (nanos <= 0) {
            throw new IllegalArgumentException("an idle deadline must be positive: " + idle);
        }
        synchronized (lock) {
            if (closed || fired != null) {
                return;
            }
            lastTouchNanos = watchdog.nanoTime();
            idleNanos = nanos;
            long generation = ++idleGeneration;
            if (idleAlarm != null) {
                idleAlarm.cancel();
            }
            idleAlarm = watchdog.schedule(() -> checkIdle(generation), nanos);
        }
    }

    /** Something arrived (or left): the idle deadline counts from now. */
    void touch() {
        lastTouchNanos = watchdog.nanoTime();
    }

    /** The {@code Retry-After} header of the call's 429 or 5xx answer, if it had one. */
    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** Cancels now (e.g. the client went away); idempotent, safe from any thread. */
    void cancel() {
        fire(Reason.CANCELLED);
    }

    /** Why the call was cancelled, if it was. The first reason wins. */
    Optional<Reason> fired() {
        return Optional.ofNullable(fired);
    }

    /** Disarms the deadlines and unbinds from the thread. Safe to call twice. After close, a late deadline can never cancel anything. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                disarmLocked();
                call = null;
            }
        }
        if (Thread.currentThread() == owner && CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /** The call's answer came with {@code status}: a 429's or 5xx's {@code Retry-After} is kept for UpstreamErrors. */
    void answered(int status, String retryAfterHeader) {
        if (status == 429 || status >= 500) {
            retryAfter = UpstreamErrors.retryAfterHeader(retryAfterHeader, Instant.now());
        }
    }

    /**
     * Attaches what a deadline or a cancel must stop: the OkHttp call ({@link #INTERCEPTOR}) or {@link VertxTransport}'s
     * exchange. If the guard has fired already, {@code attached} runs at once.
     */
    void attach(Runnable attached) {
        synchronized (lock) {
            if (closed) {
                return; // a stale binding (closed from another thread): it guards nothing any more
            }
            call = attached;
            if (fired != null) {
                attached.run();
            }
        }
    }

    private void checkIdle(long generation) {
        synchronized (lock) {
            if (closed || fired != null || generation != idleGeneration) {
                return;
            }
            long quiet = watchdog.nanoTime() - lastTouchNanos;
            if (quiet >= idleNanos) {
                fireLocked(Reason.IDLE_DEADLINE);
            } else {
                idleAlarm = watchdog.schedule(() -> checkIdle(generation), idleNanos - quiet);
            }
        }
    }

    private void fire(Reason reason) {
        synchronized (lock) {
            fireLocked(reason);
        }
    }

    /**
     * Cancelling under the lock is what makes close() final: once close() has run, no cancel can follow. It is cheap:
     * on h2 it queues a RST_STREAM for OkHttp's writer and wakes the stream's waiters; on HTTP/1.1 it closes the
     * call's own socket.
     */
    private void fireLocked(Reason reason) {
        if (closed || fired != null) {
            return;
        }
        fired = reason;
        disarmLocked();
        if (call != null) {
            call.run();
        }
    }

    private void disarmLocked() {
        if (totalAlarm != null) {
            totalAlarm.cancel();
            totalAlarm = null;
        }
        if (idleAlarm != null) {
            idleAlarm.cancel();
            idleAlarm = null;
        }
        idleGeneration++;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Runs the guards' deadlines. */
    interface Watchdog {
        /**
         * One daemon thread for every guard of the process: a deadline's work is a flag and a cancel. A hashed wheel
         * (Netty's) rather than a {@code ScheduledThreadPoolExecutor}: arming and disarming a deadline only queue it,
         * and the thread wakes once a tick whatever the load, where the executor's thread was woken by every deadline
         * that became its earliest, once per request under sequential load (issue 21). A deadline fires up to one
         * tick ({@link #TICK_MILLIS}) late; upstream deadlines are seconds.
         */
        Watchdog SHARED = new Watchdog() {
            private final HashedWheelTimer wheel = wheel();

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Alarm schedule(Runnable task, long delayNanos) {
                Timeout timeout = wheel.newTimeout(ignored -> task.run(), Math.max(0, delayNanos),
                        TimeUnit.NANOSECONDS);
                return timeout::cancel;
            }

            private static HashedWheelTimer wheel() {
                ThreadFactory daemon = runnable -> {
                    Thread thread = new Thread(runnable, "gemgate-upstream-deadline");
                    thread.setDaemon(true);
                    return thread;
                };
                return new HashedWheelTimer(daemon, TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
        };

        /** The deadlines' resolution. */
        long TICK_MILLIS = 10;

        long nanoTime();

        Alarm schedule(Runnable task, long delayNanos);

        interface Alarm {
            void cancel();
        }
    }
}
