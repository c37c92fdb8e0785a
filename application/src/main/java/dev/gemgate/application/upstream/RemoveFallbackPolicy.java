package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;

import java.util.Optional;

/**
 * Removes a live tenant's own fallback policy: the configured chains apply to it again, on this instance at once, on
 * the others within {@code gemgate.budget.refresh}. Audited as FALLBACK_POLICY_CHANGED with the policy removed as
 * before and no after; removing a policy the tenant does not have changes nothing and is not audited.
 */
public final class RemoveFallbackPolicy {
    public record Command(TenantId tenant, AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final FallbackPolicyStore store;
    private final StoredFallbackPolicySource source;
    private final AdminAudit audit;

    public RemoveFallbackPolicy(TenantRepository tenants, FallbackPolicyStore store, StoredFallbackPolicySource source,
                                AdminAudit audit) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
        this.audit = audit;
    }

    /** True if the tenant had a policy of its own. */
    public boolean execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        Optional<FallbackPolicy> before = store.find(tenant);
        boolean removed = store.remove(tenant);
        source.remove(tenant);
        if (removed) {
            audit.fallbackPolicyChanged(command.actor(), tenant, before, Optional.empty(),
                    "fallback policy of tenant " + tenant + " removed");
        }
        return removed;
    }
}
