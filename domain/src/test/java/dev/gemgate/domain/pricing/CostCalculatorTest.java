package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

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
}
