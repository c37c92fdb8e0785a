package dev.gemgate.domain.quota;

import java.util.OptionalLong;

/**
 * An admin's override of one scope's {@link RateLimits}, field by field: each field present replaces the configured
 * default of that field, each field absent inherits it. (Unlike {@link RateLimits}, where absent means "no limit": an
 * override can tighten or loosen a limit, up to {@link RateLimits#MAX}, but never remove one the defaults set.)
 *
 * @param requestsPerMinute  1 to {@link RateLimits#MAX}, or absent (inherit)
 * @param tokensPerMinute    1 to {@link RateLimits#MAX}, or absent (inherit)
 * @param requestsPerDay     1 to {@link RateLimits#MAX}, or absent (inherit)
 * @param concurrentRequests 1 to {@link RateLimits#MAX}, or absent (inherit)
 */
public record LimitOverrides(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, OptionalLong requestsPerDay,
                             OptionalLong concurrentRequests) {
    /** Overrides nothing. */
    public static final LimitOverrides NONE = new LimitOverrides(OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());

    /** The JSON and audit names of the four fields, in this order. */
    public static final String REQUESTS_PER_MINUTE = "requestsPerMinute";
    public static final String TOKENS_PER_MINUTE = "tokensPerMinute";
    public static final String REQUESTS_PER_DAY = "requestsPerDay";
    public static final String CONCURRENT_REQUESTS = "concurrentRequests";

    public LimitOverrides {
        if (requestsPerMinute == null || tokensPerMinute == null || requestsPerDay == null
                || concurrentRequests == null) {
            throw new IllegalArgumentException("overrides are required (OptionalLong.empty() to inherit)");
        }
        check(REQUESTS_PER_MINUTE, requestsPerMinute);
        check(TOKENS_PER_MINUTE, tokensPerMinute);
        check(REQUESTS_PER_DAY, requestsPerDay);
        check(CONCURRENT_REQUESTS, concurrentRequests);
    }

    /** True when nothing is overridden (every field inherits). */
    public boolean isEmpty() {
        return requestsPerMinute.isEmpty() && tokensPerMinute.isEmpty() && requestsPerDay.isEmpty()
                && concurrentRequests.isEmpty();
    }

    /** {@code defaults} with each field this override sets replaced. */
    public RateLimits over(RateLimits defaults) {
        if (isEmpty()) {
            return defaults;
        }
        return new RateLimits(or(requestsPerMinute, defaults.requestsPerMinute()),
                or(tokensPerMinute, defaults.tokensPerMinute()), or(requestsPerDay, defaults.requestsPerDay()),
                or(concurrentRequests, defaults.concurrentRequests()));
    }

    /**
     * Whether {@code value} is a valid override value (1 to {@link RateLimits#MAX}); the message of the refusal a
     * constructor would give otherwise, for a caller that reports every field at once.
     */
    public static String problemWith(long value) {
        return value >= 1 && value <= RateLimits.MAX ? null
                : "must be from 1 to " + RateLimits.MAX + " (leave it out to inherit the default), not " + value;
    }

    private static OptionalLong or(OptionalLong override, OptionalLong fallback) {
        return override.isPresent() ? override : fallback;
    }

    private static void check(String name, OptionalLong value) {
        if (value.isPresent()) {
            String problem = problemWith(value.getAsLong());
            if (problem != null) {
                throw new IllegalArgumentException(name + " " + problem);
            }
        }
    }
}
