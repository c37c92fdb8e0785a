package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Optional;

/**
 * The standard-tier price of a model from {@code effectiveFrom} on, until the next price of the same model. Above the
 * long-prompt tier's threshold (when the model has one) the whole request is billed at the tier's rates. Thinking
 * tokens bill at the output rate; cached prompt tokens at the cached-input rate.
 * <ul>
 *   <li>{@code audioInput}: the input rate of audio prompt tokens where it differs from the text rate (gemini-2.5-flash:
 *   1.00 against 0.30), applied by {@link CostCalculator} to the uncached audio share of the prompt
 *   ({@link dev.gemgate.domain.generation.Usage#audioPromptTokens}, from usageMetadata.promptTokensDetails).</li>
 *   <li>{@code batchDiscount}: the fraction taken off for the Batch API (0.5: half price), between 0 and 1.</li>
 *   <li>{@code cacheStoragePerHour}: explicit cached-content storage, per 1M tokens per hour, where known.</li>
 * </ul>
 */
public record ModelPrice(ModelId model, Instant effectiveFrom, TokenRate input, TokenRate output,
                         TokenRate cachedInput, Optional<LongPromptTier> longPromptTier, Optional<TokenRate> audioInput,
                         BigDecimal batchDiscount, Optional<TokenRate> cacheStoragePerHour) {
    /** Google's Batch API discount (GEMINI-API.md: "billed at 50%"), the default of a price that states none. */
    public static final BigDecimal STANDARD_BATCH_DISCOUNT = new BigDecimal("0.5");

    public record LongPromptTier(long thresholdTokens, TokenRate input, TokenRate output, TokenRate cachedInput) {
        public LongPromptTier {
            if (thresholdTokens <= 0) {
                throw new IllegalArgumentException("a tier threshold must be positive");
            }
            if (input == null || output == null || cachedInput == null) {
                throw new IllegalArgumentException("a tier needs input, output and cached-input rates");
            }
        }
    }

    public ModelPrice {
        if (model == null || effectiveFrom == null || input == null || output == null || cachedInput == null
                || longPromptTier == null || audioInput == null || batchDiscount == null
                || cacheStoragePerHour == null) {
            throw new IllegalArgumentException("price fields are required");
        }
        if (batchDiscount.signum() < 0 || batchDiscount.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("the batch discount is a fraction between 0 and 1");
        }
        batchDiscount = batchDiscount.signum() == 0 ? BigDecimal.ZERO : batchDiscount.stripTrailingZeros();
    }

    /** A price with no audio rate, the standard batch discount and no storage rate. */
    public ModelPrice(ModelId model, Instant effectiveFrom, TokenRate input, TokenRate output, TokenRate cachedInput,
                      Optional<LongPromptTier> longPromptTier) {
        this(model, effectiveFrom, input, output, cachedInput, longPromptTier, Optional.empty(),
                STANDARD_BATCH_DISCOUNT, Optional.empty());
    }

    /** What a standard-tier cost comes to through the Batch API, rounded up to the micro-dollar. */
    public Money batchCost(Money standard) {
        BigDecimal factor = BigDecimal.ONE.subtract(batchDiscount);
        return Money.ofMicros(factor.multiply(BigDecimal.valueOf(standard.micros()))
                .setScale(0, RoundingMode.CEILING).longValueExact());
    }
}
