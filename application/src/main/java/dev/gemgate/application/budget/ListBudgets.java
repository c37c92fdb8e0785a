package dev.gemgate.application.budget;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.List;

/**
 * The budgets an admin set for a live tenant, its keys and its end users, oldest first, as stored (read from the
 * repository, not from this instance's snapshot). A read: not audited.
 */
public final class ListBudgets {
    public record Query(TenantId tenant) {
    }

    private final TenantRepository tenants;
    private final BudgetRepository budgets;

    public ListBudgets(TenantRepository tenants, BudgetRepository budgets) {
        this.tenants = tenants;
        this.budgets = budgets;
    }

    public List<StoredBudget> execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        return budgets.findByTenant(tenant);
    }
}
