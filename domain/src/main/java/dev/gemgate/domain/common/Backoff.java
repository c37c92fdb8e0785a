package dev.gemgate.domain.common;

import java.time.Duration;

/**
 * Exponential backoff with "equal jitter": the wait after failure n (1-based) is between half and all of
 * {@code initial x 2^(n-1)}, at most {@code max}, so that callers that failed together do not try again in step, and
 * none tries again at once.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoffs must be positive, the maximum at least the initial one");
        }
    }

    /**
     * The wait after failure {@code failure} (1-based); {@code random} is uniform in [0, 1) (a parameter, so that
     * tests choose it).
     */
    public Duration after(int failure, double random) {
        if (failure < 1 || random < 0 || random >= 1) {
            throw new IllegalArgumentException("failure >= 1 and 0 <= random < 1");
        }
        long capNanos = max.toNanos();
        long nanos = initial.toNanos();
        for (int i = 1; i < failure && nanos < capNanos; i++) {
            nanos = nanos > capNanos / 2 ? capNanos : nanos * 2;
        }
        nanos = Math.min(nanos, capNanos);
        long half = nanos / 2;
        return Duration.ofNanos(nanos - half + (long) (half * random));
    }
}
