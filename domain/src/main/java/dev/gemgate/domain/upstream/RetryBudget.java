package dev.gemgate.domain.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the extra upstream load that retries add, so that an outage does not multiply traffic (the budget of Finagle,
 * Envoy and gRPC): every request deposits {@code ratio} of a retry into a bucket, every retry withdraws one whole
 * retry, and a retry the bucket cannot pay is not made (the failure is answered). A trickle of {@code minPerSecond}
 * retries a second is added besides, so that a quiet gateway can still retry, and the bucket holds at most
 * {@code maxBalance} retries (the burst a long quiet spell allows). It starts full.
 *
 * <p>So over any span of {@code t} seconds with {@code n} requests, the upstream sees at most
 * {@code n + ratio x n + minPerSecond x t + maxBalance} calls, whatever fails. One budget per replica, shared by all
 * tenants and models. Thread-safe; a deposit is one atomic add, a withdrawal takes a short lock.
 */
public final class RetryBudget {
    private static final long MICROS = 1_000_000L;

    /**
     * @param ratio        retries allowed per request (0 to 1; e.g. 0.2 = at most 20% more upstream calls)
     * @param minPerSecond retries allowed per second whatever the traffic (0 or more)
     * @param maxBalance   the most retries the bucket holds (at least 1)
     */
    public record Settings(double ratio, double minPerSecond, double maxBalance) {
        public static final Settings DEFAULT = new Settings(0.2, 1, 20);

        public Settings {
            if (!(ratio >= 0 && ratio <= 1) || !(minPerSecond >= 0 && minPerSecond <= 1_000_000)
                    || !(maxBalance >= 1 && maxBalance <= 1_000_000)) {
                throw new IllegalArgumentException("a retry budget has a ratio from 0 to 1, at most 10^6 retries a "
                        + "second and a balance from 1 to 10^6: " + ratio + ", " + minPerSecond + ", " + maxBalance);
            }
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final long ratioMicros;
    private final long capMicros;
    private final AtomicLong balanceMicros;
    private Instant lastTrickle;

    public RetryBudget(Settings settings, Clock clock) {
        if (settings == null || clock == null) {
            throw new IllegalArgumentException("settings and a clock are required");
        }
        this.settings = settings;
        this.clock = clock;
        this.ratioMicros = Math.round(settings.ratio() * MICROS);
        this.capMicros = Math.round(settings.maxBalance() * MICROS);
        this.balanceMicros = new AtomicLong(capMicros);
        this.lastTrickle = clock.instant();
    }

    public Settings settings() {
        return settings;
    }

    /** A request's first attempt: deposits {@code ratio} of a retry. */
    public void requested() {
        if (ratioMicros > 0) {
            balanceMicros.accumulateAndGet(ratioMicros, (balance, add) -> Math.min(capMicros, balance + add));
        }
    }

    /** Whether one retry may be made now; if so it is paid for. */
    public synchronized boolean tryRetry() {
        trickle();
        long balance = balanceMicros.get();
        while (balance >= MICROS) {
            if (balanceMicros.compareAndSet(balance, balance - MICROS)) {
                return true;
            }
            balance = balanceMicros.get();
        }
        return false;
    }

    /** Fills the bucket again (an operator who knows the outage is over; tests that start from a known balance). */
    public void refill() {
        balanceMicros.set(capMicros);
    }

    /** The retries the bucket holds now (for metrics and tests). */
    public synchronized double balance() {
        trickle();
        return balanceMicros.get() / (double) MICROS;
    }

    private void trickle() {
        Instant now = clock.instant();
        if (!now.isAfter(lastTrickle)) {
            return;
        }
        long elapsedMicros = Duration.between(lastTrickle, now).toNanos() / 1000;
        long add = (long) (settings.minPerSecond() * elapsedMicros);
        lastTrickle = now;
        if (add > 0) {
            balanceMicros.accumulateAndGet(add, (balance, more) -> Math.min(capMicros, balance + more));
        }
    }
}
