package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Usage;

/**
 * Prices a call from its usage. Non-cached prompt tokens at the input rate, except the audio ones at the audio-input
 * rate where the price has one; cached prompt tokens at the cached rate (audio or not: usageMetadata does not say
 * which cached tokens are audio); candidate and thinking tokens at the output rate. The long-prompt tier applies to
 * the whole call (input, cached and output rates) when the prompt exceeds its threshold; no tier has its own audio
 * rate, so audio tokens bill at the greater of the audio rate and the tier's input rate. Rounded up to the next
 * micro-dollar once, on the total.
 */
public final class CostCalculator {
    public Money cost(ModelPrice price, Usage usage) {
        TokenRate input = price.input();
        TokenRate output = price.output();
        TokenRate cached = price.cachedInput();
        boolean longPrompt = price.longPromptTier().isPresent()
                && usage.promptTokens() > price.longPromptTier().get().thresholdTokens();
        if (longPrompt) {
            ModelPrice.LongPromptTier tier = price.longPromptTier().get();
            input = tier.input();
            output = tier.output();
            cached = tier.cachedInput();
        }
        TokenRate audio = input;
        if (price.audioInput().isPresent()
                && price.audioInput().get().perMillion().compareTo(input.perMillion()) > 0) {
            audio = price.audioInput().get();
        } else if (price.audioInput().isPresent() && !longPrompt) {
            audio = price.audioInput().get();
        }
        long uncached = usage.promptTokens() - usage.cachedTokens();
        long uncachedAudio = Math.min(usage.audioPromptTokens(), uncached);
        long scaled = Math.addExact(Math.addExact(Math.addExact(
                        input.microsTimesMillion(uncached - uncachedAudio),
                        audio.microsTimesMillion(uncachedAudio)),
                        cached.microsTimesMillion(usage.cachedTokens())),
                output.microsTimesMillion(usage.outputTokens()));
        return Money.ofMicros(Math.ceilDiv(scaled, 1_000_000L));
    }
}
