package dev.gemgate.domain.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * Port: the fleet-wide allowance of every rate limit, kept where every replica sees it (PostgreSQL). Each call is one
 * atomic step, so no two replicas ever take the same allowance; a replica takes a slice at a time and hands it out
 * locally, so the hot path mostly stays off the store. What a replica took and did not use is given back, or, if the
 * replica dies, lost: never counted twice.
 */
public interface AllowanceStore {
    /**
     * Takes between {@code minimum} and {@code wanted} units from {@code bucket} at {@code now}: as much as it holds
     * up to {@code wanted}, or none if it holds less than {@code minimum}. A bucket is created full on first use; a
     * bucket whose limit changed keeps what it holds, capped at the new limit.
     *
     * @param minimum at least 1, at most {@code wanted}
     */
    Grant take(Bucket bucket, long minimum, long wanted, Instant now);

    /**
     * Puts back {@code units} taken at {@code takenAt} and not used: never above the bucket's limit, and nothing into
     * a day that has ended.
     */
    void giveBack(Bucket bucket, long units, Instant takenAt, Instant now);

    /**
     * What a take got.
     *
     * @param units        units granted (0 when the bucket held less than the minimum)
     * @param untilMinimum when none were granted, how long until the bucket holds the minimum (for Retry-After);
     *                     zero otherwise
     * @param remaining    what the bucket holds after the take (for the x-ratelimit-remaining headers)
     * @param resetIn      how long until the bucket is full again
     */
    record Grant(long units, Duration untilMinimum, long remaining, Duration resetIn) {
        public Grant {
            if (units < 0 || remaining < 0 || untilMinimum == null || untilMinimum.isNegative() || resetIn == null
                    || resetIn.isNegative()) {
                throw new IllegalArgumentException("invalid grant");
            }
        }
    }
}
