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
 * Replaces a live tenant's response-cache policy (its TTL, zero to turn its caching off, and whether requests that are
 * not deterministic are cached too): in force on this instance at once, on the others within
 * {@code gemgate.budget.refresh}. Entries already stored keep the TTL they were stored with. Audited as
 * CACHE_POLICY_CHANGED with before (absent if the tenant had none of its own) and after, unless nothing changed.
 */
public final class SetCachePolicy {
    public record Command(TenantId tenant, CachePolicy policy, AdminActor actor) {
        public Command {
            if (tenant == null || policy == null || actor == null) {
                throw new InvalidRequestException("a tenant, a policy and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final CachePolicyStore store;
    private final StoredCachePolicySource source;
    private final AdminAudit audit;

    public SetCachePolicy(TenantRepository tenants, CachePolicyStore store, StoredCachePolicySource source,
                          AdminAudit audit) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
        this.audit = audit;
    }

    public CachePolicy execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        CachePolicy after = command.policy();
        Optional<CachePolicy> before = store.find(tenant);
        if (!before.equals(Optional.of(after))) {
            store.save(tenant, after);
            source.put(tenant, after);
            audit.cachePolicyChanged(command.actor(), tenant, before, Optional.of(after),
                    "cache policy of tenant " + tenant + " set");
        }
        return after;
    }
}
