package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Usage;

/**
 * Prices a call from its usage. Non-cached prompt tokens at the input rate, cached prompt tokens at the cached rate,
 * candidate and thinking tokens at the output rate; the long-prompt tier applies to the whole call when the prompt
 * exceeds its threshold. Rounded up to the next micro-dollar once, on the total.
 */
public final class CostCalculator {
    public Money cost(ModelPrice price, Usage usage) {
        TokenRate input = price.input();
        TokenRate output = price.output();
        TokenRate cached = price.cachedInput();
        if (price.longPromptTier().isPresent() && usage.promptTokens() > price.longPromptTier().get().thresholdTokens()) {
            ModelPrice.LongPromptTier tier = price.longPromptTier().get();
            input = tier.input();
            output = tier.output();
            cached = tier.cachedInput();
        }
        long scaled = Math.addExact(Math.addExact(
                        input.microsTimesMillion(usage.promptTokens() - usage.cachedTokens()),
                        cached.microsTimesMillion(usage.cachedTokens())),
                output.microsTimesMillion(usage.outputTokens()));
        return Money.ofMicros(Math.ceilDiv(scaled, 1_000_000L));
    }
}
