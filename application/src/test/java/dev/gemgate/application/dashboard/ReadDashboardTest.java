package dev.gemgate.application.dashboard;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.upstream.ReadUpstreamHealth;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.InMemoryUpstreamCredentialStore;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.usage.FleetFigures;
import dev.gemgate.domain.usage.FleetUsageQuery;
import dev.gemgate.domain.usage.TenantSpend;
import dev.gemgate.domain.usage.UsageFigures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ReadDashboardTest {
    // 00:30 UTC on December 1st: still November 30th in New York, which must not matter (days are UTC days)
    private final MutableClock clock = MutableClock.at("2026-12-01T00:30:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final TenantId acme = new TenantId(new UUID(1, 1));
    private final TenantId gone = new TenantId(new UUID(2, 2));
    private final List<String> asked = new ArrayList<>();
    private final FleetFigures dayFigures = new FleetFigures(new UsageFigures(4, 100, 50, 0, 0, Money.ofMicros(700),
            1, Money.ofMicros(300)), 1, Optional.of(Duration.ofMillis(12)), Optional.of(Duration.ofMillis(90)));
    private final FleetFigures monthFigures = new FleetFigures(new UsageFigures(10, 1000, 500, 0, 0,
            Money.ofMicros(9_000), 2, Money.ofMicros(600)), 5, Optional.of(Duration.ofMillis(15)),
            Optional.of(Duration.ofMillis(120)));

    private final FleetUsageQuery usage = new FleetUsageQuery() {
        @Override
        public FleetFigures figures(Instant start, Instant end) {
            asked.add("figures " + start + " " + end);
            return start.equals(Instant.parse("2026-12-01T00:00:00Z")) && asked.size() == 1 ? dayFigures
                    : monthFigures;
        }

        @Override
        public List<TenantSpend> topTenantsBySpend(Instant start, Instant end, int limit) {
            asked.add("top " + start + " " + end + " " + limit);
            return List.of(new TenantSpend(acme, 7, Money.ofMicros(8_000)),
                    new TenantSpend(gone, 3, Money.ofMicros(1_000)));
        }
    };

    private ReadDashboard dashboard(boolean emulated) {
        CredentialPool pool = new CredentialPool(Optional.of(UpstreamCredential.apiKey(
                new UpstreamCredentialId("configured"), "secret-configured", Optional.empty())),
                new InMemoryUpstreamCredentialStore(), new UpstreamGate(UpstreamGate.Settings.DEFAULT),
                UpstreamCircuits.NONE, clock, () -> 0.0, Duration.ofMinutes(5), (id, status, until) -> {
        });
        pool.reload();
        return new ReadDashboard(usage, tenants, new ReadUpstreamHealth(pool),
                new GatewayInfo("Gemini emulator (in-process)", emulated), clock, Duration.ofSeconds(15));
    }

    @Test
    void todayAndThisMonthAreUtcDaysUpToNowAndTheTopTenantsAreThisMonthsWithTheirNames() {
        tenants.save(new Tenant(acme, "acme", TenantStatus.ACTIVE, Instant.parse("2026-01-01T00:00:00Z")));

        ReadDashboard.Result result = dashboard(true).execute();

        String end = "2026-12-01T00:30:00.000000001Z";
        assertThat(asked).containsExactly(
                "figures 2026-12-01T00:00:00Z " + end,
                "figures 2026-12-01T00:00:00Z " + end,
                "top 2026-12-01T00:00:00Z " + end + " " + ReadDashboard.TOP_TENANTS);
        assertThat(result.at()).isEqualTo(Instant.parse("2026-12-01T00:30:00Z"));
        assertThat(result.today().from()).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(result.today().to()).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(result.today().figures()).isSameAs(dayFigures);
        assertThat(result.month().from()).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(result.month().figures()).isSameAs(monthFigures);
        assertThat(result.topTenants()).extracting(ReadDashboard.TopTenant::tenant, ReadDashboard.TopTenant::name,
                ReadDashboard.TopTenant::requests, ReadDashboard.TopTenant::cost).containsExactly(
                tuple(acme, Optional.of("acme"), 7L, Money.ofMicros(8_000)),
                tuple(gone, Optional.empty(), 3L, Money.ofMicros(1_000)));
        assertThat(result.gateway().upstreamEmulated()).isTrue();
        assertThat(result.upstream().canServe()).isTrue();
        assertThat(result.upstream().credentials()).extracting(h -> h.credential().value())
                .containsExactly("configured");
    }

    @Test
    void laterInTheMonthTheMonthStartsOnTheFirstAndTodayAtMidnightUtc() {
        clock.set(Instant.parse("2026-12-17T23:59:59Z"));

        ReadDashboard.Result result = dashboard(false).execute();

        assertThat(asked.get(0)).startsWith("figures 2026-12-17T00:00:00Z ");
        assertThat(asked.get(1)).startsWith("figures 2026-12-01T00:00:00Z ");
        assertThat(result.today().from()).isEqualTo(LocalDate.parse("2026-12-17"));
        assertThat(result.month().from()).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(result.month().to()).isEqualTo(LocalDate.parse("2026-12-17"));
        assertThat(result.gateway().upstreamEmulated()).isFalse();
    }

    @Test
    void theFiguresAreComputedAtMostOncePerMaxAgeWhileTheUpstreamHealthIsReadEachTime() {
        ReadDashboard dashboard = dashboard(true);
        ReadDashboard.Result first = dashboard.execute();
        clock.advance(Duration.ofSeconds(14));

        ReadDashboard.Result second = dashboard.execute();

        assertThat(asked).hasSize(3);
        assertThat(second.at()).isEqualTo(first.at());
        assertThat(second.upstream()).isNotSameAs(first.upstream());
        clock.advance(Duration.ofSeconds(1));
        assertThat(dashboard.execute().at()).isEqualTo(Instant.parse("2026-12-01T00:30:15Z"));
        assertThat(asked).hasSize(6);
    }

    @Test
    void ratesAreShareOfRequestsAndZeroWithoutRequests() {
        assertThat(monthFigures.errorRate()).isEqualTo(0.5);
        assertThat(monthFigures.cacheHitRate()).isEqualTo(0.2);
        assertThat(FleetFigures.NONE.errorRate()).isZero();
        assertThat(FleetFigures.NONE.cacheHitRate()).isZero();
    }
}
