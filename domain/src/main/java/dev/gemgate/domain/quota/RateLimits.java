package dev.gemgate.domain.quota;

import java.util.OptionalLong;

/**
 * The rate limits of one scope (a tenant, a tenant x model, an API key): requests per minute, tokens per minute,
 * requests per UTC day, and requests in flight at once. Each is optional; an absent limit is no limit.
 *
 * @param requestsPerMinute  a token bucket of this many requests, refilled continuously over a minute
 * @param tokensPerMinute    a token bucket of this many tokens (estimated before the call, corrected after it)
 * @param requestsPerDay     a counter of this many requests per UTC day
 * @param concurrentRequests at most this many requests in flight at once (admitted and not yet finished)
 */
public record RateLimits(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, OptionalLong requestsPerDay,
                         OptionalLong concurrentRequests) {
    /**
     * The largest limit accepted: 10^11 a minute or a day is beyond any real deployment, fits the PostgreSQL store's bigint ticks, and keeps every product of a
     * limit with a slice fraction or a time far from overflowing.
     */
    public static final long MAX = 100_000_000_000L;

    public static final RateLimits UNLIMITED = new RateLimits(OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());

    public RateLimits {
        if (requestsPerMinute == null || tokensPerMinute == null || requestsPerDay == null
                || concurrentRequests == null) {
            throw new IllegalArgumentException("rate limits are required (OptionalLong.empty() for no limit)");
        }
        check("requests-per-minute", requestsPerMinute);
        check("tokens-per-minute", tokensPerMinute);
        check("requests-per-day", requestsPerDay);
        check("concurrent-requests", concurrentRequests);
    }

    public RateLimits withRequestsPerMinute(long limit) {
        return new RateLimits(OptionalLong.of(limit), tokensPerMinute, requestsPerDay, concurrentRequests);
    }

    public RateLimits withTokensPerMinute(long limit) {
        return new RateLimits(requestsPerMinute, OptionalLong.of(limit), requestsPerDay, concurrentRequests);
    }

    public RateLimits withRequestsPerDay(long limit) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, OptionalLong.of(limit), concurrentRequests);
    }

    public RateLimits withConcurrentRequests(long limit) {
        return new RateLimits(requestsPerMinute, tokensPerMinute, requestsPerDay, OptionalLong.of(limit));
    }

    public boolean isUnlimited() {
        return requestsPerMinute.isEmpty() && tokensPerMinute.isEmpty() && requestsPerDay.isEmpty()
                && concurrentRequests.isEmpty();
    }

    /** The rate limit of {@code kind}, if any (the concurrency limit is not a rate: {@link #concurrentRequests()}). */
    public OptionalLong of(RateLimit.Kind kind) {
        return switch (kind) {
            case REQUESTS_PER_DAY -> requestsPerDay;
            case REQUESTS_PER_MINUTE -> requestsPerMinute;
            case TOKENS_PER_MINUTE -> tokensPerMinute;
        };
    }

    private static void check(String name, OptionalLong limit) {
        if (limit.isPresent() && (limit.getAsLong() < 1 || limit.getAsLong() > MAX)) {
            throw new IllegalArgumentException(name + " must be from 1 to " + MAX + " (leave it unset for no limit), not "
                    + limit.getAsLong());
        }
    }
}
