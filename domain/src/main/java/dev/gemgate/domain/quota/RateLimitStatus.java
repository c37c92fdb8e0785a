package dev.gemgate.domain.quota;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a caller stands after an admission, for the {@code x-ratelimit-*} response headers: for requests and for
 * tokens, the tightest limit that applied (the one with the least remaining). Absent when no limit of that unit
 * applies. The figures are the admitting instance's view: the fleet-wide bucket as of this instance's last take from
 * it, refilled since at the bucket's rate, plus the slice the instance holds; other instances' slices are not seen.
 */
public record RateLimitStatus(Optional<Standing> requests, Optional<Standing> tokens) {
    public static final RateLimitStatus NONE = new RateLimitStatus(Optional.empty(), Optional.empty());

    public RateLimitStatus {
        if (requests == null || tokens == null) {
            throw new IllegalArgumentException("use Optional.empty() for a unit without limits");
        }
    }

    /**
     * One limit's standing.
     *
     * @param limit     the limit (per minute or per UTC day)
     * @param remaining what it would still admit now, 0 to {@code limit}
     * @param reset     how long until it is back to its full {@code limit} if nothing more is taken
     */
    public record Standing(long limit, long remaining, Duration reset) {
        public Standing {
            if (limit < 1 || remaining < 0 || remaining > limit || reset == null || reset.isNegative()) {
                throw new IllegalArgumentException("invalid rate-limit standing");
            }
        }
    }
}
