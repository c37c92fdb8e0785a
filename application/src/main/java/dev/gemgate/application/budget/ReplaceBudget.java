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
import java.util.Optional;

/**
 * Replaces a budget of a live tenant whole (404 if there is none by that id), under the rules of {@link AddBudget}.
 * The ledger keeps one account per budget scope, key or end user, period and zone: a new limit or new thresholds apply
 * to the spend of the running period, while a new period or zone starts a new account. Audited as BUDGET_SET with
 * before and after, unless nothing changed.
 */
public final class ReplaceBudget {
    public record Command(TenantId tenant, BudgetId budgetId, BudgetSpec budget, AdminActor actor) {
        public Command {
            if (tenant == null || budgetId == null || budget == null || actor == null) {
                throw new InvalidRequestException("a tenant, a budget id, a budget and an admin actor are required");
            }
        }
    }

    private final BudgetChange change;

    public ReplaceBudget(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets,
                         StoredBudgetSource source, AdminAudit audit, Clock clock) {
        this.change = new BudgetChange(tenants, keys, budgets, source, audit, clock);
    }

    public StoredBudget execute(Command command) {
        StoredBudget before = change.existing(command.tenant(), command.budgetId());
        return change.set(command.tenant(), before.id(), Optional.of(before), command.budget(), command.actor());
    }
}
