package dev.gemgate.application.budget;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryBudgetRepository;
import dev.gemgate.domain.fakes.InMemoryBudgetStore;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where each of a tenant's budgets stands in its running period, from the ledger's settled spend. */
class ReadBudgetStandingsTest {
    private final TenantId acme = new TenantId(new UUID(7, 7));
    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryBudgetRepository budgets = new InMemoryBudgetRepository();
    private final InMemoryBudgetStore ledger = new InMemoryBudgetStore();
    private final ReadBudgetStandings read = new ReadBudgetStandings(tenants, budgets, ledger, clock);
    private int requests;

    ReadBudgetStandingsTest() {
        tenants.save(new Tenant(acme, "acme", TenantStatus.ACTIVE, Instant.parse("2026-01-01T00:00:00Z")));
    }

    private StoredBudget stored(int n, Optional<String> endUser, BudgetPeriod period, ZoneId zone, String limit,
                                List<Integer> alerts) {
        StoredBudget budget = new StoredBudget(new BudgetId(new UUID(1, n)), new Budget(acme, Optional.empty(),
                endUser, period, zone, Money.ofDollars(limit), alerts), clock.instant(), clock.instant());
        budgets.save(budget);
        return budget;
    }

    private void settle(Budget budget, Instant at, String dollars) {
        ReservationId id = new ReservationId(UUID.randomUUID());
        ledger.recordReservation(new BudgetStore.Reservation(id, new RequestId("r" + ++requests),
                List.of(budget.accountKey(at)), Money.ofDollars(dollars), "test", at, at.plus(Duration.ofMinutes(5))));
        ledger.settle(id, Money.ofDollars(dollars), BudgetStore.SettlementKind.SETTLED, at);
    }

    @Test
    void eachBudgetShowsTheSpendOfItsRunningPeriodAndTheAlertsItReached() {
        StoredBudget monthly = stored(1, Optional.empty(), BudgetPeriod.MONTHLY, ZoneOffset.UTC, "10",
                List.of(50, 80, 100));
        StoredBudget daily = stored(2, Optional.empty(), BudgetPeriod.DAILY, ZoneId.of("Europe/Paris"), "2",
                List.of(50));
        settle(monthly.budget(), Instant.parse("2026-11-03T08:00:00Z"), "4.5");
        settle(monthly.budget(), Instant.parse("2026-11-30T09:00:00Z"), "4");
        settle(monthly.budget(), Instant.parse("2026-10-31T09:00:00Z"), "7"); // last month's account
        settle(daily.budget(), Instant.parse("2026-11-29T20:00:00Z"), "1.5"); // yesterday in Paris

        List<ReadBudgetStandings.Standing> standings = read.execute(new ReadBudgetStandings.Query(acme));

        assertThat(standings).extracting(ReadBudgetStandings.Standing::stored).containsExactly(monthly, daily);
        ReadBudgetStandings.Standing month = standings.getFirst();
        assertThat(month.spent()).contains(Money.ofDollars("8.5"));
        assertThat(month.percentUsed()).isEqualTo(85);
        assertThat(month.reachedAlerts()).containsExactly(50, 80);
        assertThat(month.periodStart()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(month.resetsAt()).contains(Instant.parse("2026-12-01T00:00:00Z"));
        ReadBudgetStandings.Standing day = standings.get(1);
        assertThat(day.spent()).contains(Money.ZERO);
        assertThat(day.reachedAlerts()).isEmpty();
        assertThat(day.periodStart()).isEqualTo(Instant.parse("2026-11-29T23:00:00Z"));
    }

    @Test
    void aSpendOverTheLimitIsAbove100PercentAndALifetimeBudgetNeverResets() {
        StoredBudget lifetime = stored(1, Optional.empty(), BudgetPeriod.LIFETIME, ZoneOffset.UTC, "1",
                List.of(100));
        settle(lifetime.budget(), Instant.parse("2025-01-01T00:00:00Z"), "1.25");

        ReadBudgetStandings.Standing standing = read.execute(new ReadBudgetStandings.Query(acme)).getFirst();

        assertThat(standing.percentUsed()).isEqualTo(125);
        assertThat(standing.reachedAlerts()).containsExactly(100);
        assertThat(standing.resetsAt()).isEmpty();
    }

    @Test
    void theEveryEndUserBudgetHasNoSpendOfItsOwn() {
        stored(1, Optional.of(Budget.EVERY_END_USER), BudgetPeriod.DAILY, ZoneOffset.UTC, "1", List.of(50));

        ReadBudgetStandings.Standing standing = read.execute(new ReadBudgetStandings.Query(acme)).getFirst();

        assertThat(standing.spent()).isEmpty();
        assertThat(standing.percentUsed()).isZero();
        assertThat(standing.reachedAlerts()).isEmpty();
    }

    @Test
    void anUnknownTenantHasNoBudgets() {
        assertThatThrownBy(() -> read.execute(new ReadBudgetStandings.Query(new TenantId(UUID.randomUUID()))))
                .isInstanceOf(NotFoundException.class);
    }
}
