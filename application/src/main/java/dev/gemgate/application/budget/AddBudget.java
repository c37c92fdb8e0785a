package dev.gemgate.application.budget;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.util.Optional;

/**
 * Adds a budget to a live tenant: the tenant's own, one of its keys' (400 naming {@code apiKeyId} if the key is not
 * the tenant's) or its end users' ({@code "*"}: each end user's default). 409 if the tenant already has one of the same
 * scope, key or end user and period. It replaces the configured default of its scope for its tenant, key or end user
 * ({@link StoredBudgetSource}); in force on this instance at once, on the others within {@code gemgate.budget.refresh}.
 * Audited as BUDGET_SET with no before.
 */
public final class AddBudget {
    public record Command(TenantId tenant, BudgetSpec budget, AdminActor actor) {
        public Command {
            if (tenant == null || budget == null || actor == null) {
                throw new InvalidRequestException("a tenant, a budget and an admin actor are required");
            }
        }
    }

    private final BudgetChange change;
    private final IdGenerator ids;

    public AddBudget(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets,
                     StoredBudgetSource source, AdminAudit audit, IdGenerator ids, Clock clock) {
        this.change = new BudgetChange(tenants, keys, budgets, source, audit, clock);
        this.ids = ids;
    }

    public StoredBudget execute(Command command) {
        return change.set(command.tenant(), new BudgetId(ids.newUuid()), Optional.empty(), command.budget(),
                command.actor());
    }
}
