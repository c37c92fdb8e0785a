package dev.gemgate.application.budget;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The one way a budget changes, shared by the add, replace and remove use cases: check it against the tenant (live, its
 * key its own, its slot free), write it, put it into this instance's budgets in force at once ({@link
 * StoredBudgetSource}; the other replicas within {@code gemgate.budget.refresh}), and audit before and after. Nothing
 * is written or recorded when a replacement equals what is stored.
 */
final class BudgetChange {
    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final BudgetRepository budgets;
    private final StoredBudgetSource source;
    private final AdminAudit audit;
    private final Clock clock;

    BudgetChange(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets, StoredBudgetSource source,
                 AdminAudit audit, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.budgets = budgets;
        this.source = source;
        this.audit = audit;
        this.clock = clock;
    }

    /** The tenant's budget, unless the tenant is unknown or deleted or has no such budget. */
    StoredBudget existing(TenantId tenant, BudgetId id) {
        AdminLookups.liveTenant(tenants, tenant);
        if (id == null) {
            throw InvalidRequestException.forField("budgetId", "an id is required");
        }
        return budgets.find(tenant, id)
                .orElseThrow(() -> new NotFoundException("budget " + id + " does not exist for tenant " + tenant));
    }

    /** Writes {@code spec} as budget {@code id} of {@code tenant}, replacing {@code before} if there is one. */
    StoredBudget set(TenantId tenant, BudgetId id, Optional<StoredBudget> before, BudgetSpec spec, AdminActor actor) {
        AdminLookups.liveTenant(tenants, tenant);
        Budget budget = spec.toBudget(tenant);
        if (budget.apiKey().isPresent()
                && keys.findById(budget.apiKey().get()).filter(k -> k.tenantId().equals(tenant)).isEmpty()) {
            throw InvalidRequestException.forField(BudgetSpec.API_KEY_ID,
                    "is not a key of tenant " + tenant + " (no key " + budget.apiKey().get() + ")");
        }
        if (before.isPresent() && before.get().budget().equals(budget)) {
            return before.get();
        }
        budgets.findByTenant(tenant).stream().filter(b -> !b.id().equals(id) && b.sameSlotAs(budget)).findFirst()
                .ifPresent(taken -> {
                    throw new ConflictException("The tenant already has a " + budget.name() + " (budget "
                            + taken.id() + "); replace that one instead.");
                });
        Instant now = clock.instant();
        Instant created = before.map(StoredBudget::createdAt).orElse(now);
        StoredBudget after = new StoredBudget(id, budget, created, now.isBefore(created) ? created : now);
        budgets.save(after);
        source.put(after);
        audit.budgetSet(actor, before, after, (before.isPresent() ? "replaced " : "added ") + budget.name()
                + " of tenant " + tenant);
        return after;
    }

    void remove(StoredBudget before, AdminActor actor) {
        if (budgets.remove(before.budget().tenant(), before.id())) {
            source.remove(before.id());
            audit.budgetRemoved(actor, before, "removed " + before.budget().name() + " of tenant "
                    + before.budget().tenant());
        }
    }
}
