package dev.gemgate.domain.pricing;

import dev.gemgate.domain.generation.ModelId;

import java.time.Instant;
import java.util.Optional;

/**
 * The standard-tier price of a model from {@code effectiveFrom} on. Above {@code longPromptThreshold} prompt tokens
 * (when the model has such a tier) the whole request is billed at the long-prompt rates.
 */
public record ModelPrice(ModelId model, Instant effectiveFrom, TokenRate input, TokenRate output,
                         TokenRate cachedInput, Optional<LongPromptTier> longPromptTier) {
    public record LongPromptTier(long thresholdTokens, TokenRate input, TokenRate output, TokenRate cachedInput) {
        public LongPromptTier {
            if (thresholdTokens <= 0) {
                throw new IllegalArgumentException("a tier threshold must be positive");
            }
        }
    }

    public ModelPrice {
        if (model == null || effectiveFrom == null || input == null || output == null || cachedInput == null
                || longPromptTier == null) {
            throw new IllegalArgumentException("price fields are required");
        }
    }
}
