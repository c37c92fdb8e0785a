package dev.gemgate.domain.quota;

import java.util.Objects;

/**
 * One rate limit's fleet-wide allowance: its key (which limit of whom, e.g. {@code tenant:<id>:requests-per-minute}),
 * its shape and its limit.
 *
 * @param key   stable and unique per limit and scope; at most 200 characters
 * @param shape how the allowance comes back
 * @param limit the allowance: units per minute, or per UTC day; at least 1
 */
public record Bucket(String key, Shape shape, long limit) {
    public enum Shape {
        /**
         * A token bucket of capacity {@code limit}, refilled continuously at {@code limit} units per minute: a rolling
         * window. A full bucket admits a burst of {@code limit}; over any interval t the bucket admits at most
         * {@code limit x (1 + t / 1 min)}.
         */
        PER_MINUTE,
        /** A counter of {@code limit} units per UTC day, back to {@code limit} at 00:00 UTC. */
        PER_DAY_UTC
    }

    public Bucket {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("a bucket key is 1 to 200 characters");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("a limit is at least 1: " + limit);
        }
    }
}
