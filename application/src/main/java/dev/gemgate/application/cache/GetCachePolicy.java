package dev.gemgate.application.cache;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicyStore;
import dev.gemgate.domain.cache.StoredCachePolicySource;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.Optional;

/**
 * A live tenant's response-cache policy as stored (read from the store, not from this instance's snapshot), with the
 * configured default that applies when it has none. A read: not audited.
 */
public final class GetCachePolicy {
    public record Query(TenantId tenant) {
    }

    /** {@code stored}: the tenant's own policy, if it has one; {@code configured}: every other tenant's. */
    public record Result(Optional<CachePolicy> stored, CachePolicy configured) {
        /** The policy in force for the tenant: its own, else the configured one. */
        public CachePolicy policy() {
            return stored.orElse(configured);
        }
    }

    private final TenantRepository tenants;
    private final CachePolicyStore store;
    private final StoredCachePolicySource source;

    public GetCachePolicy(TenantRepository tenants, CachePolicyStore store, StoredCachePolicySource source) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
    }

    public Result execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        return new Result(store.find(tenant), source.configured());
    }
}
