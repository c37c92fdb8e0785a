package dev.gemgate.domain.budget;

import dev.gemgate.domain.tenant.TenantId;

import java.util.List;
import java.util.Optional;

/**
 * Port: the budgets admins set per tenant, per API key and per end user, kept where every replica sees them
 * (PostgreSQL). Never read on the request path: {@link StoredBudgetSource} holds all of them in memory
 * ({@link #loadAll}) and reloads them periodically. A tenant has at most one budget per scope, key or end user and
 * period ({@link StoredBudget#sameSlotAs}).
 */
public interface BudgetRepository {
    /** The tenant's budgets, oldest first. */
    List<StoredBudget> findByTenant(TenantId tenant);

    /** The budget, if it is {@code tenant}'s. */
    Optional<StoredBudget> find(TenantId tenant, BudgetId id);

    /**
     * Stores (inserts or replaces, by id) the budget.
     *
     * @throws IllegalArgumentException if the tenant does not exist, or the budget's key is not the tenant's
     * @throws dev.gemgate.domain.common.ConflictException if the tenant has another budget in the same slot
     */
    void save(StoredBudget budget);

    /** Removes the tenant's budget; false if it had no such budget. */
    boolean remove(TenantId tenant, BudgetId id);

    /** Every budget in force: those of tenants that are not deleted. */
    List<StoredBudget> loadAll();
}
