package dev.gemgate.domain.fakes;

import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The budget repository in memory, with the PostgreSQL adapter's one-budget-per-slot rule; it does not know tenants or
 * keys, so it neither checks that they exist nor leaves out deleted tenants. {@link #failLoads} makes
 * {@link #loadAll()} throw, as a database outage would.
 */
public final class InMemoryBudgetRepository implements BudgetRepository {
    private final Map<BudgetId, StoredBudget> budgets = new ConcurrentHashMap<>();
    private volatile boolean failLoads;

    @Override
    public List<StoredBudget> findByTenant(TenantId tenant) {
        return budgets.values().stream().filter(b -> b.budget().tenant().equals(tenant))
                .sorted(Comparator.comparing(StoredBudget::createdAt).thenComparing(b -> b.id().value())).toList();
    }

    @Override
    public Optional<StoredBudget> find(TenantId tenant, BudgetId id) {
        return Optional.ofNullable(budgets.get(id)).filter(b -> b.budget().tenant().equals(tenant));
    }

    @Override
    public synchronized void save(StoredBudget budget) {
        boolean taken = budgets.values().stream()
                .anyMatch(b -> !b.id().equals(budget.id()) && b.sameSlotAs(budget.budget()));
        if (taken) {
            throw new ConflictException("the tenant already has a " + budget.budget().name());
        }
        budgets.put(budget.id(), budget);
    }

    @Override
    public boolean remove(TenantId tenant, BudgetId id) {
        return find(tenant, id).map(b -> budgets.remove(id) != null).orElse(false);
    }

    @Override
    public List<StoredBudget> loadAll() {
        if (failLoads) {
            throw new IllegalStateException("the database is down");
        }
        return List.copyOf(budgets.values());
    }

    public void failLoads(boolean fail) {
        this.failLoads = fail;
    }
}
