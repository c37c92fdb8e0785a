package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheStorageCostTest {
    /** gemini-2.5-pro's storage: 4.50 per 1M tokens per hour. */
    private static final TokenRate PRO = TokenRate.dollarsPerMillion("4.50");
    private static final TokenRate FLASH = TokenRate.dollarsPerMillion("1.00");
    private static final Instant CREATED = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void storageIsTokensTimesHoursTimesTheRate() {
        // 100,000 tokens for 3 hours at 4.50 per 1M per hour: 0.1 x 3 x 4.50 = 1.35 dollars
        assertThat(CacheStorageCost.of(PRO, 100_000, Duration.ofHours(3))).isEqualTo(Money.ofDollars("1.35"));
        assertThat(CacheStorageCost.of(FLASH, 2_048, Duration.ofHours(1))).isEqualTo(Money.ofMicros(2_048));
    }

    @Test
    void partOfAnHourIsProratedAndRoundedUpToTheMicroDollarOnce() {
        // 2,048 tokens for 90 minutes at 1.00: 3,072 micro-dollars exactly
        assertThat(CacheStorageCost.of(FLASH, 2_048, Duration.ofMinutes(90))).isEqualTo(Money.ofMicros(3_072));
        // 1,000 tokens for one second at 1.00: 1000 x 1/3600 = 0.2777... micro-dollars, rounded up to 1
        assertThat(CacheStorageCost.of(FLASH, 1_000, Duration.ofSeconds(1))).isEqualTo(Money.ofMicros(1));
        assertThat(CacheStorageCost.of(FLASH, 1_000, Duration.ZERO)).isEqualTo(Money.ZERO);
    }

    @Test
    void piecesChargedAtDifferentTimesAddUpToTheWholeLifetimeExactly() {
        long tokens = 7_021;
        Instant[] cuts = {CREATED, CREATED.plusMillis(1_234), CREATED.plusSeconds(600).plusNanos(17),
                CREATED.plusSeconds(3_599), CREATED.plusSeconds(7_200)};
        Money sum = Money.ZERO;
        for (int i = 1; i < cuts.length; i++) {
            sum = sum.plus(CacheStorageCost.between(PRO, tokens, CREATED, cuts[i - 1], cuts[i]));
        }
        assertThat(sum).isEqualTo(CacheStorageCost.of(PRO, tokens, Duration.ofHours(2)));
        // 7,021 x 2 h x 4.50 / 1M = 0.063189 dollars
        assertThat(sum).isEqualTo(Money.ofDollars("0.063189"));
    }

    @Test
    void aStretchThatDoesNotMoveCostsNothingAndNoStretchStartsBeforeTheCreation() {
        assertThat(CacheStorageCost.between(PRO, 10, CREATED, CREATED.plusSeconds(5), CREATED.plusSeconds(5)))
                .isEqualTo(Money.ZERO);
        assertThatThrownBy(() -> CacheStorageCost.between(PRO, 10, CREATED, CREATED.minusSeconds(1),
                CREATED.plusSeconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CacheStorageCost.of(PRO, -1, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
