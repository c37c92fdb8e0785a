package dev.gemgate.domain.budget;

import java.time.Instant;
import java.util.Objects;

/**
 * A budget an admin set for a tenant, one of its API keys or its end users ({@link Budget#EVERY_END_USER}: each end
 * user of the tenant), as {@link BudgetRepository} keeps it.
 */
public record StoredBudget(BudgetId id, Budget budget, Instant createdAt, Instant updatedAt) {
    public StoredBudget {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (updatedAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("a budget is updated after it is created");
        }
    }

    /**
     * True when {@code other} limits the same spending over the same period: the same tenant, scope, key or end user
     * and period. A tenant has at most one such budget (the second would be a second limit on the same account).
     */
    public boolean sameSlotAs(Budget other) {
        return budget.tenant().equals(other.tenant()) && budget.scope() == other.scope()
                && budget.apiKey().equals(other.apiKey()) && budget.endUser().equals(other.endUser())
                && budget.period() == other.period();
    }
}
