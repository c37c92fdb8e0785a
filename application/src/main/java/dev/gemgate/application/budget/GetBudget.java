package dev.gemgate.application.budget;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/** One budget of a live tenant; {@code NotFoundException} for an unknown tenant or budget. A read: not audited. */
public final class GetBudget {
    public record Query(TenantId tenant, BudgetId budget) {
    }

    private final TenantRepository tenants;
    private final BudgetRepository budgets;

    public GetBudget(TenantRepository tenants, BudgetRepository budgets) {
        this.tenants = tenants;
        this.budgets = budgets;
    }

    public StoredBudget execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        return budgets.find(tenant, query.budget()).orElseThrow(
                () -> new NotFoundException("budget " + query.budget() + " does not exist for tenant " + tenant));
    }
}
