package dev.gemgate.domain.alert;

import dev.gemgate.domain.common.Backoff;

import java.time.Duration;

/**
 * When a failed delivery is tried again: after attempt n (1-based), a wait of {@code initialBackoff x 2^(n-1)}, at most
 * {@code maxBackoff}, with "equal jitter" (between half and all of it, so replicas that failed together do not retry in
 * step), until {@code maxAttempts} attempts were made. A 2xx is delivered; 408, 429, any 5xx or 3xx, and no answer at
 * all are tried again; any other 4xx is the receiver refusing this delivery for good, so it is not.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
        if (initialBackoff == null || maxBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()
                || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must be positive, the maximum at least the initial one");
        }
    }

    /** Whether an attempt answered {@code statusCode} (not 2xx) may be tried again. */
    public static boolean isRetryable(int statusCode) {
        return statusCode == 408 || statusCode == 429 || statusCode < 400 || statusCode >= 500;
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based); {@code random} is uniform in [0, 1) (a parameter, so that
     * tests choose it).
     */
    public Duration backoffAfter(int attempt, double random) {
        return new Backoff(initialBackoff, maxBackoff).after(attempt, random);
    }
}
