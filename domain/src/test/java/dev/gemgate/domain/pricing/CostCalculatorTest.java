package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import org.junit.jupiter.api.Test;

import dev.gemgate.domain.fakes.InMemoryPricingCatalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-computed cases from the standard-tier price table (USD per 1M tokens). */
class CostCalculatorTest {
    private final CostCalculator calculator = new CostCalculator();

    private static ModelPrice flat(String input, String output, String cached) {
        return new ModelPrice(ModelId.parse("m"), Instant.EPOCH, TokenRate.dollarsPerMillion(input),
                TokenRate.dollarsPerMillion(output), TokenRate.dollarsPerMillion(cached), Optional.empty());
    }

    @Test
    void flashPromptAndOutput() {
        // gemini-2.5-flash: 1,000 prompt x $0.30/1M = $0.0003; 2,000 output x $2.50/1M = $0.005
        Money cost = calculator.cost(flat("0.30", "2.50", "0.03"), new Usage(1_000, 2_000, 0, 0));
        assertThat(cost.micros()).isEqualTo(300 + 5_000);
    }

    @Test
    void thinkingTokensAreBilledAsOutput() {
        // 100 candidates + 900 thoughts = 1,000 output x $2.50/1M = 2,500 micro-dollars
        Money cost = calculator.cost(flat("0.30", "2.50", "0.03"), new Usage(0, 100, 900, 0));
        assertThat(cost.micros()).isEqualTo(2_500);
    }

    @Test
    void cachedTokensAreBilledAtTheCachedRateNotTwice() {
        // 10,000 prompt of which 8,000 cached: 2,000 x 0.30 + 8,000 x 0.03 = 600 + 240 micro-dollars
        Money cost = calculator.cost(flat("0.30", "2.50", "0.03"), new Usage(10_000, 0, 0, 8_000));
        assertThat(cost.micros()).isEqualTo(840);
    }

    @Test
    void roundsUpOnceOnTheTotal() {
        // 1 prompt token x $0.10/1M = 0.1 micro-dollar; 1 output x $0.40/1M = 0.4: total 0.5 -> 1
        Money cost = calculator.cost(flat("0.10", "0.40", "0.01"), new Usage(1, 1, 0, 0));
        assertThat(cost.micros()).isEqualTo(1);
    }

    @Test
    void longPromptTierAppliesToTheWholeCallAboveTheThreshold() {
        ModelPrice pro = new ModelPrice(ModelId.parse("gemini-2.5-pro"), Instant.EPOCH,
                TokenRate.dollarsPerMillion("1.25"), TokenRate.dollarsPerMillion("10.00"),
                TokenRate.dollarsPerMillion("0.31"), Optional.of(new ModelPrice.LongPromptTier(200_000,
                TokenRate.dollarsPerMillion("2.50"), TokenRate.dollarsPerMillion("15.00"),
                TokenRate.dollarsPerMillion("0.625"))));
        // at the threshold: 200,000 x 1.25 = $0.25; 1,000 x 10 = $0.01
        assertThat(calculator.cost(pro, new Usage(200_000, 1_000, 0, 0)).micros()).isEqualTo(250_000 + 10_000);
        // above it: 200,001 x 2.50 = $0.5000025; 1,000 x 15 = $0.015
        assertThat(calculator.cost(pro, new Usage(200_001, 1_000, 0, 0)).micros()).isEqualTo(500_003 + 15_000);
    }

    private static ModelPrice pro25() {
        return new ModelPrice(ModelId.parse("gemini-2.5-pro"), Instant.EPOCH,
                TokenRate.dollarsPerMillion("1.25"), TokenRate.dollarsPerMillion("10.00"),
                TokenRate.dollarsPerMillion("0.31"), Optional.of(new ModelPrice.LongPromptTier(200_000,
                TokenRate.dollarsPerMillion("2.50"), TokenRate.dollarsPerMillion("15.00"),
                TokenRate.dollarsPerMillion("0.625"))));
    }

    @Test
    void theLongPromptTierBillsCachedAndThinkingTokensOfTheWholeCallAtTheHigherRates() {
        // 300,000 prompt (100,000 cached), 2,000 candidates, 3,000 thoughts on gemini-2.5-pro: all at the > 200k rates.
        // 200,000 x 2.50 = 500,000; 100,000 x 0.625 = 62,500; 5,000 x 15.00 = 75,000 micro-dollars
        assertThat(calculator.cost(pro25(), new Usage(300_000, 2_000, 3_000, 100_000)).micros())
                .isEqualTo(500_000 + 62_500 + 75_000);
        // The tier is decided by the prompt count (cached included), not by the uncached part: 250,000 prompt of which
        // 100,000 cached is above 200k. 150,000 x 2.50 + 100,000 x 0.625 = 375,000 + 62,500
        assertThat(calculator.cost(pro25(), new Usage(250_000, 0, 0, 100_000)).micros()).isEqualTo(437_500);
        // Output alone never moves a call to the higher tier: 1,000 prompt, 300,000 output at the standard rates.
        // 1,000 x 1.25 = 1,250; 300,000 x 10 = 3,000,000
        assertThat(calculator.cost(pro25(), new Usage(1_000, 100_000, 200_000, 0)).micros()).isEqualTo(3_001_250);
    }

    @Test
    void gemini31ProPreviewAtBothTiers() {
        ModelPrice pro31 = new ModelPrice(ModelId.parse("gemini-3.1-pro-preview"), Instant.EPOCH,
                TokenRate.dollarsPerMillion("2.00"), TokenRate.dollarsPerMillion("12.00"),
                TokenRate.dollarsPerMillion("0.20"), Optional.of(new ModelPrice.LongPromptTier(200_000,
                TokenRate.dollarsPerMillion("4.00"), TokenRate.dollarsPerMillion("18.00"),
                TokenRate.dollarsPerMillion("0.40"))));
        // 50,000 prompt (10,000 cached), 500 candidates, 1,500 thoughts:
        // 40,000 x 2 = 80,000; 10,000 x 0.20 = 2,000; 2,000 x 12 = 24,000
        assertThat(calculator.cost(pro31, new Usage(50_000, 500, 1_500, 10_000)).micros()).isEqualTo(106_000);
        // 400,000 prompt (10,000 cached), same output: 390,000 x 4 = 1,560,000; 10,000 x 0.40 = 4,000; 2,000 x 18 = 36,000
        assertThat(calculator.cost(pro31, new Usage(400_000, 500, 1_500, 10_000)).micros()).isEqualTo(1_600_000);
    }

    @Test
    void gemini4ArgonIsPricedAtEachDaysRateFromTheSameCatalog() {
        // V8's rows: 2/10 per 1M (cached 0.10) from 2025-01-01, 4/20 (cached 0.20) from 2026-12-01T00:00Z
        InMemoryPricingCatalog catalog = new InMemoryPricingCatalog()
                .add(new ModelPrice(ModelId.parse("gemini-4-argon"), Instant.parse("2025-01-01T00:00:00Z"),
                        TokenRate.dollarsPerMillion("2.00"), TokenRate.dollarsPerMillion("10.00"),
                        TokenRate.dollarsPerMillion("0.10"), Optional.empty()))
                .add(new ModelPrice(ModelId.parse("gemini-4-argon"), Instant.parse("2026-12-01T00:00:00Z"),
                        TokenRate.dollarsPerMillion("4.00"), TokenRate.dollarsPerMillion("20.00"),
                        TokenRate.dollarsPerMillion("0.20"), Optional.empty()));
        ModelId argon = ModelId.parse("gemini-4-argon");
        // 20,000 prompt of which 5,000 cached, 1,000 candidates, 3,000 thoughts
        Usage call = new Usage(20_000, 1_000, 3_000, 5_000);

        Money on30November = calculator.cost(
                catalog.priceAt(argon, Instant.parse("2026-11-30T18:00:00Z")).orElseThrow(), call);
        Money on1December = calculator.cost(
                catalog.priceAt(argon, Instant.parse("2026-12-01T09:00:00Z")).orElseThrow(), call);

        // 15,000 x 2 + 5,000 x 0.10 + 4,000 x 10 = 30,000 + 500 + 40,000 micro-dollars
        assertThat(on30November.micros()).isEqualTo(70_500);
        // 15,000 x 4 + 5,000 x 0.20 + 4,000 x 20 = 60,000 + 1,000 + 80,000 micro-dollars
        assertThat(on1December.micros()).isEqualTo(141_000);
        // the last micro-second of 30 November is still the old price
        assertThat(calculator.cost(catalog.priceAt(argon, Instant.parse("2026-11-30T23:59:59.999999Z")).orElseThrow(),
                call)).isEqualTo(on30November);
    }

    @Test
    void aModelWithoutAPriceOnThatDateIsNotPricedAtAll() {
        InMemoryPricingCatalog catalog = new InMemoryPricingCatalog().add(new ModelPrice(ModelId.parse("m"),
                Instant.parse("2026-12-01T00:00:00Z"), TokenRate.dollarsPerMillion("1"),
                TokenRate.dollarsPerMillion("2"), TokenRate.dollarsPerMillion("0.1"), Optional.empty()));
        assertThat(catalog.priceAt(ModelId.parse("m"), Instant.parse("2026-11-30T23:59:59Z"))).isEmpty();
        assertThat(catalog.priceAt(ModelId.parse("other"), Instant.parse("2026-12-02T00:00:00Z"))).isEmpty();
    }

    @Test
    void theBatchDiscountIsAFractionOffTheStandardCostRoundedUp() {
        ModelPrice halfPrice = flat("0.30", "2.50", "0.03");
        assertThat(halfPrice.batchDiscount()).isEqualByComparingTo("0.5");
        Money standard = calculator.cost(halfPrice, new Usage(1_000, 2_000, 0, 0));
        assertThat(halfPrice.batchCost(standard).micros()).isEqualTo(2_650);
        assertThat(halfPrice.batchCost(Money.ofMicros(3)).micros()).as("1.5 rounds up").isEqualTo(2);
        ModelPrice noDiscount = new ModelPrice(ModelId.parse("m"), Instant.EPOCH, TokenRate.dollarsPerMillion("1"),
                TokenRate.dollarsPerMillion("1"), TokenRate.dollarsPerMillion("0.1"), Optional.empty(), Optional.empty(),
                BigDecimal.ZERO, Optional.empty());
        assertThat(noDiscount.batchCost(Money.ofMicros(1_234))).isEqualTo(Money.ofMicros(1_234));
        assertThatThrownBy(() -> new ModelPrice(ModelId.parse("m"), Instant.EPOCH, TokenRate.dollarsPerMillion("1"),
                TokenRate.dollarsPerMillion("1"), TokenRate.dollarsPerMillion("0.1"), Optional.empty(), Optional.empty(),
                new BigDecimal("1.5"), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void audioPromptTokensBillAtTheAudioRateWhereThePriceHasOne() {
        // gemini-2.5-flash: 0.30 text/image/video, 1.00 audio, 0.03 cached, 2.50 output
        ModelPrice flash = new ModelPrice(ModelId.parse("gemini-2.5-flash"), Instant.EPOCH,
                TokenRate.dollarsPerMillion("0.30"), TokenRate.dollarsPerMillion("2.50"),
                TokenRate.dollarsPerMillion("0.03"), Optional.empty(), Optional.of(TokenRate.dollarsPerMillion("1.00")),
                ModelPrice.STANDARD_BATCH_DISCOUNT, Optional.empty());
        // 10,000 prompt of which 4,000 audio, 100 output: 6,000 x 0.30 + 4,000 x 1.00 + 100 x 2.50
        assertThat(calculator.cost(flash, new Usage(10_000, 100, 0, 0, 4_000)).micros()).isEqualTo(1_800 + 4_000 + 250);
        // 2,000 of the prompt cached: the cached tokens bill at the cached rate, and as many of the audio tokens as
        // the uncached part can hold at the audio rate (8,000 uncached: 4,000 audio, 4,000 text)
        assertThat(calculator.cost(flash, new Usage(10_000, 0, 0, 2_000, 4_000)).micros())
                .isEqualTo(4_000 * 30 / 100 + 4_000 + 2_000 * 3 / 100);
        // all 10,000 audio, 8,000 cached: only 2,000 can be uncached audio. 2,000 x 1.00 + 8,000 x 0.03
        assertThat(calculator.cost(flash, new Usage(10_000, 0, 0, 8_000, 10_000)).micros()).isEqualTo(2_000 + 240);
        // a price without an audio rate bills audio as text
        assertThat(calculator.cost(flat("0.30", "2.50", "0.03"), new Usage(10_000, 0, 0, 0, 4_000)).micros())
                .isEqualTo(3_000);
    }

    @Test
    void inTheLongPromptTierAudioBillsAtTheGreaterOfItsRateAndTheTiersInputRate() {
        ModelPrice.LongPromptTier tier = new ModelPrice.LongPromptTier(200_000, TokenRate.dollarsPerMillion("2.50"),
                TokenRate.dollarsPerMillion("15.00"), TokenRate.dollarsPerMillion("0.625"));
        ModelPrice cheapAudio = new ModelPrice(ModelId.parse("m"), Instant.EPOCH, TokenRate.dollarsPerMillion("1.25"),
                TokenRate.dollarsPerMillion("10"), TokenRate.dollarsPerMillion("0.31"), Optional.of(tier),
                Optional.of(TokenRate.dollarsPerMillion("2.00")), ModelPrice.STANDARD_BATCH_DISCOUNT, Optional.empty());
        // standard tier: 100,000 prompt, 50,000 audio: 50,000 x 1.25 + 50,000 x 2.00 = 62,500 + 100,000
        assertThat(calculator.cost(cheapAudio, new Usage(100_000, 0, 0, 0, 50_000)).micros()).isEqualTo(162_500);
        // long tier: 300,000 prompt, 100,000 audio: the tier's 2.50 is above the audio 2.00. 300,000 x 2.50
        assertThat(calculator.cost(cheapAudio, new Usage(300_000, 0, 0, 0, 100_000)).micros()).isEqualTo(750_000);
        ModelPrice dearAudio = new ModelPrice(ModelId.parse("m"), Instant.EPOCH, TokenRate.dollarsPerMillion("1.25"),
                TokenRate.dollarsPerMillion("10"), TokenRate.dollarsPerMillion("0.31"), Optional.of(tier),
                Optional.of(TokenRate.dollarsPerMillion("4.00")), ModelPrice.STANDARD_BATCH_DISCOUNT, Optional.empty());
        // long tier, audio 4.00 above the tier's 2.50: 200,000 x 2.50 + 100,000 x 4.00
        assertThat(calculator.cost(dearAudio, new Usage(300_000, 0, 0, 0, 100_000)).micros()).isEqualTo(900_000);
    }

    @Test
    void audioCannotExceedThePrompt() {
        assertThatThrownBy(() -> new Usage(10, 0, 0, 0, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Usage(10, 1, 2, 3)).isEqualTo(new Usage(10, 1, 2, 3, 0));
    }
}
