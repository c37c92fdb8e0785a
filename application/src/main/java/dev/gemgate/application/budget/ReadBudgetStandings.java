package dev.gemgate.application.budget;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The budgets of a live tenant as stored ({@link ListBudgets}, oldest first), each with where it stands in its running
 * period: the spend settled so far in the ledger's account of that period ({@link Budget#accountKey},
 * {@link BudgetStore#settledSpend}), and the alert thresholds it has reached. Money reserved by requests still in
 * flight is not counted until it is settled. A tenant's every-end-user budget ({@code "*"}) has no spend of its own:
 * each end user has a separate account. A read: not audited.
 */
public final class ReadBudgetStandings {
    public record Query(TenantId tenant) {
    }

    /**
     * One budget and its running period: {@code spent} is empty for an every-end-user budget; {@code resetsAt} is
     * empty for a lifetime budget.
     */
    public record Standing(StoredBudget stored, Instant periodStart, Optional<Instant> resetsAt,
                           Optional<Money> spent) {
        public Standing {
            if (stored == null || periodStart == null || resetsAt == null || spent == null) {
                throw new IllegalArgumentException("a budget's standing needs its budget, period and spend");
            }
        }

        public Budget budget() {
            return stored.budget();
        }

        /** Spent as a percentage of the limit, rounded down (above 100 when over), 0 without a spend of its own. */
        public long percentUsed() {
            return spent.map(s -> s.micros() * 100 / budget().limit().micros()).orElse(0L);
        }

        /** The alert thresholds the spend has reached, ascending. */
        public List<Integer> reachedAlerts() {
            return spent.map(s -> budget().alertPercents().stream()
                    .filter(p -> s.micros() * 100 >= p * budget().limit().micros()).toList()).orElse(List.of());
        }
    }

    private final TenantRepository tenants;
    private final BudgetRepository budgets;
    private final BudgetStore ledger;
    private final Clock clock;

    public ReadBudgetStandings(TenantRepository tenants, BudgetRepository budgets, BudgetStore ledger, Clock clock) {
        this.tenants = tenants;
        this.budgets = budgets;
        this.ledger = ledger;
        this.clock = clock;
    }

    public List<Standing> execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        Instant now = clock.instant();
        return budgets.findByTenant(tenant).stream().map(stored -> standing(stored, now)).toList();
    }

    private Standing standing(StoredBudget stored, Instant now) {
        Budget budget = stored.budget();
        BudgetPeriod period = budget.period();
        Optional<Instant> resets = period == BudgetPeriod.LIFETIME ? Optional.empty()
                : Optional.of(period.nextReset(now, budget.zone()));
        Optional<Money> spent = budget.endUser().filter(Budget.EVERY_END_USER::equals).isPresent() ? Optional.empty()
                : Optional.of(ledger.settledSpend(budget.accountKey(now)));
        return new Standing(stored, period.start(now, budget.zone()), resets, spent);
    }
}
