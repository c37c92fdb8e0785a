package dev.gemgate.domain.usage;

import dev.gemgate.domain.common.Money;

/**
 * What a set of requests used and cost: how many there were (every outcome; refused and failed requests cost
 * nothing, or what they produced), their tokens as {@code usageMetadata} counts them ({@code outputTokens} without
 * the thinking tokens, which are {@code thinkingTokens}; {@code cachedTokens} are part of {@code promptTokens}) and
 * the cost charged.
 */
public record UsageFigures(long requests, long promptTokens, long outputTokens, long thinkingTokens,
                           long cachedTokens, Money cost) {
    public static final UsageFigures NONE = new UsageFigures(0, 0, 0, 0, 0, Money.ZERO);

    public UsageFigures {
        if (requests < 0 || promptTokens < 0 || outputTokens < 0 || thinkingTokens < 0 || cachedTokens < 0) {
            throw new IllegalArgumentException("usage figures cannot be negative");
        }
        if (cost == null) {
            throw new IllegalArgumentException("a cost is required");
        }
    }
}
