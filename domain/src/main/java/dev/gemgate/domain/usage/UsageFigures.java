package dev.gemgate.domain.usage;

import dev.gemgate.domain.common.Money;

/**
 * What a set of requests used and cost: how many there were (every outcome; refused and failed requests cost
 * nothing, or what they produced), their billed tokens as {@code usageMetadata} counts them ({@code outputTokens}
 * without the thinking tokens, which are {@code thinkingTokens}; {@code cachedTokens} are part of {@code promptTokens}:
 * Gemini's context caching) and the cost charged. Requests served from Gemgate's response cache are counted in
 * {@code requests} and in {@code cacheHits}; their tokens are not billed and not counted here, and what they would
 * have cost is {@code saved}.
 */
public record UsageFigures(long requests, long promptTokens, long outputTokens, long thinkingTokens,
                           long cachedTokens, Money cost, long cacheHits, Money saved) {
    public static final UsageFigures NONE = new UsageFigures(0, 0, 0, 0, 0, Money.ZERO, 0, Money.ZERO);

    public UsageFigures {
        if (requests < 0 || promptTokens < 0 || outputTokens < 0 || thinkingTokens < 0 || cachedTokens < 0
                || cacheHits < 0 || cacheHits > requests) {
            throw new IllegalArgumentException("usage figures cannot be negative, and hits are requests");
        }
        if (cost == null || saved == null) {
            throw new IllegalArgumentException("a cost and a saving are required");
        }
    }

    /** Figures without response-cache hits. */
    public UsageFigures(long requests, long promptTokens, long outputTokens, long thinkingTokens, long cachedTokens,
                        Money cost) {
        this(requests, promptTokens, outputTokens, thinkingTokens, cachedTokens, cost, 0, Money.ZERO);
    }
}
