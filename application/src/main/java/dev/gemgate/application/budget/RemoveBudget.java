package dev.gemgate.application.budget;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;

/**
 * Removes a budget of a live tenant (404 if there is none by that id): what it replaced (the configured default of its
 * scope, or the tenant's every-end-user budget for a named end user) applies again, on this instance at once, on the
 * others within {@code gemgate.budget.refresh}. Its ledger accounts stay as they are. Audited as BUDGET_REMOVED with
 * the budget as it was.
 */
public final class RemoveBudget {
    public record Command(TenantId tenant, BudgetId budgetId, AdminActor actor) {
        public Command {
            if (tenant == null || budgetId == null || actor == null) {
                throw new InvalidRequestException("a tenant, a budget id and an admin actor are required");
            }
        }
    }

    private final BudgetChange change;

    public RemoveBudget(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets,
                        StoredBudgetSource source, AdminAudit audit, Clock clock) {
        this.change = new BudgetChange(tenants, keys, budgets, source, audit, clock);
    }

    /** The budget as it was before its removal. */
    public StoredBudget execute(Command command) {
        StoredBudget before = change.existing(command.tenant(), command.budgetId());
        change.remove(before, command.actor());
        return before;
    }
}
