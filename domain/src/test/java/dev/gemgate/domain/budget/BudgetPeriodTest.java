package dev.gemgate.domain.budget;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetPeriodTest {
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void a_daily_period_runs_from_midnight_to_midnight_of_its_zone() {
        Instant now = Instant.parse("2026-11-30T16:30:00Z"); // 01:30 on 1 December in Tokyo

        assertThat(BudgetPeriod.DAILY.start(now, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(BudgetPeriod.DAILY.nextReset(now, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(BudgetPeriod.DAILY.start(now, TOKYO)).isEqualTo(Instant.parse("2026-11-30T15:00:00Z"));
        assertThat(BudgetPeriod.DAILY.nextReset(now, TOKYO)).isEqualTo(Instant.parse("2026-12-01T15:00:00Z"));
    }

    @Test
    void a_weekly_period_starts_on_monday_and_a_monthly_one_on_the_first() {
        Instant sunday = Instant.parse("2026-11-29T12:00:00Z");

        assertThat(BudgetPeriod.WEEKLY.start(sunday, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(BudgetPeriod.WEEKLY.nextReset(sunday, ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(BudgetPeriod.MONTHLY.start(sunday, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTHLY.nextReset(sunday, ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void a_day_across_a_daylight_saving_change_is_its_zone_s_day() {
        // 1 November 2026: New York falls back, the day lasts 25 hours
        Instant now = Instant.parse("2026-11-01T12:00:00Z");

        assertThat(BudgetPeriod.DAILY.start(now, NEW_YORK)).isEqualTo(Instant.parse("2026-11-01T04:00:00Z"));
        assertThat(BudgetPeriod.DAILY.nextReset(now, NEW_YORK)).isEqualTo(Instant.parse("2026-11-02T05:00:00Z"));
    }

    @Test
    void a_lifetime_period_never_resets() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");

        assertThat(BudgetPeriod.LIFETIME.start(now, TOKYO)).isEqualTo(Instant.EPOCH);
        assertThat(BudgetPeriod.LIFETIME.nextReset(now, TOKYO)).isEqualTo(Instant.MAX);
    }
}
