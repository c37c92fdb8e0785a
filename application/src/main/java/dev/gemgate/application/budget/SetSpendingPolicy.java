package dev.gemgate.application.budget;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicyStore;
import dev.gemgate.domain.budget.StoredSpendingPolicySource;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * Replaces a live tenant's spending policy (how its requests are bounded for the budget reservation; see
 * {@link SpendingPolicy}): in force on this instance at once, on the others within {@code gemgate.budget.refresh}.
 * Audited as SPENDING_POLICY_CHANGED with before (the configured policy if the tenant had none) and after, unless
 * nothing changed.
 */
public final class SetSpendingPolicy {
    public record Command(TenantId tenant, SpendingPolicy policy, AdminActor actor) {
        public Command {
            if (tenant == null || policy == null || actor == null) {
                throw new InvalidRequestException("a tenant, a policy and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final SpendingPolicyStore store;
    private final StoredSpendingPolicySource source;
    private final AdminAudit audit;

    public SetSpendingPolicy(TenantRepository tenants, SpendingPolicyStore store, StoredSpendingPolicySource source,
                             AdminAudit audit) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
        this.audit = audit;
    }

    public SpendingPolicy execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        SpendingPolicy before = store.find(tenant).orElseGet(source::fallback);
        SpendingPolicy after = command.policy();
        if (!before.equals(after)) {
            store.save(tenant, after);
            source.put(tenant, after);
            audit.spendingPolicyChanged(command.actor(), tenant, before, after,
                    "spending policy of tenant " + tenant + " set");
        }
        return after;
    }
}
