package dev.gemgate.domain.quota;

import java.time.Duration;

/** The limiter's answer. */
public sealed interface QuotaDecision {
    /**
     * Admitted; {@code ticket} is handed back to correct the token count once the real usage is known, {@code status}
     * is what the {@code x-ratelimit-*} headers of the response say.
     */
    record Admitted(QuotaTicket ticket, RateLimitStatus status) implements QuotaDecision {
        public Admitted {
            if (ticket == null || status == null) {
                throw new IllegalArgumentException("ticket and status are required");
            }
        }

        /** Admitted by no counted limit. */
        public Admitted(QuotaTicket ticket) {
            this(ticket, RateLimitStatus.NONE);
        }
    }

    /**
     * Refused by {@code limit} (a {@link RateLimit#name()}, e.g. {@code RequestsPerMinutePerTenant}); it would fit after
     * {@code retryAfter} if nothing else took the allowance meanwhile. {@code bucketKey} is the refusing limit's
     * {@link Bucket#key()} (which limit of whom): the lane a request waits in for it.
     */
    record Refused(String limit, Duration retryAfter, String bucketKey) implements QuotaDecision {
        public Refused {
            if (limit == null || retryAfter == null || retryAfter.isNegative() || bucketKey == null) {
                throw new IllegalArgumentException("a refusal names its limit and bucket, with a retry-after >= 0");
            }
        }
    }

    /**
     * Refused for good: the request alone costs more than {@code limit} ever allows ({@code cost} > {@code limitValue},
     * e.g. an estimate of 40,000 tokens against 30,000 tokens per minute). Waiting does not help; a smaller request
     * (fewer {@code maxOutputTokens}, a shorter prompt) does.
     */
    record TooLarge(String limit, long limitValue, long cost) implements QuotaDecision {
    }
}
