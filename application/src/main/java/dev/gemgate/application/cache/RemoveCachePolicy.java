package dev.gemgate.application.cache;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicyStore;
import dev.gemgate.domain.cache.StoredCachePolicySource;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.Optional;

/**
 * Removes a live tenant's own response-cache policy: the configured default ({@code gemgate.cache.*}) applies to it
 * again, on this instance at once, on the others within {@code gemgate.budget.refresh}. Audited as
 * CACHE_POLICY_CHANGED with the policy removed as before and no after; removing a policy the tenant does not have
 * changes nothing and is not audited.
 */
public final class RemoveCachePolicy {
    public record Command(TenantId tenant, AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final CachePolicyStore store;
    private final StoredCachePolicySource source;
    private final AdminAudit audit;

    public RemoveCachePolicy(TenantRepository tenants, CachePolicyStore store, StoredCachePolicySource source,
                             AdminAudit audit) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
        this.audit = audit;
    }

    /** True if the tenant had a policy of its own. */
    public boolean execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        Optional<CachePolicy> before = store.find(tenant);
        boolean removed = store.remove(tenant);
        source.remove(tenant);
        if (removed) {
            audit.cachePolicyChanged(command.actor(), tenant, before, Optional.empty(),
                    "cache policy of tenant " + tenant + " removed");
        }
        return removed;
    }
}
