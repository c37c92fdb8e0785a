package dev.gemgate.app;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The utilisation gauge: one series per tenant, scope and period, the highest commitment, 0 after the reset. */
class BudgetUtilizationMetricsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant MIDNIGHT = Instant.parse("2026-12-01T00:00:00Z");
    private static final TenantId ACME = new TenantId(UUID.randomUUID());

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final BudgetUtilizationMetrics metrics = new BudgetUtilizationMetrics(registry, clock);

    @Test
    void theGaugeShowsTheShareCommittedAndFallsToZeroWhenThePeriodResets() {
        Budget daily = budget(Optional.empty(), "10");
        metrics.committed(daily, Money.ofDollars("2.5"), MIDNIGHT);
        assertThat(gauge("tenant", "daily").value()).isEqualTo(0.25);

        metrics.committed(daily, Money.ofDollars("8"), MIDNIGHT);
        assertThat(gauge("tenant", "daily").value()).isEqualTo(0.8);

        now = MIDNIGHT;
        assertThat(gauge("tenant", "daily").value()).isZero();
        metrics.committed(daily, Money.ofDollars("1"), MIDNIGHT.plusSeconds(86_400));
        assertThat(gauge("tenant", "daily").value()).isEqualTo(0.1);
    }

    @Test
    void theBudgetsOfOneScopeShareASeriesShowingTheHighest() {
        for (int i = 0; i < 20; i++) {
            metrics.committed(budget(Optional.of(new ApiKeyId(UUID.randomUUID())), "10"),
                    Money.ofDollars(Integer.toString(i % 7)), MIDNIGHT);
        }

        assertThat(registry.find("gemgate.budget.utilization.ratio").gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("scope")).isEqualTo("api_key"));
        assertThat(gauge("api_key", "daily").value()).isEqualTo(0.6);
    }

    private Gauge gauge(String scope, String period) {
        return registry.get("gemgate.budget.utilization.ratio").tag("tenant", ACME.toString()).tag("scope", scope)
                .tag("period", period).gauge();
    }

    private static Budget budget(Optional<ApiKeyId> key, String dollars) {
        return new Budget(ACME, key, Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars(dollars),
                List.of());
    }
}
