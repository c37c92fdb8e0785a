package dev.gemgate.domain.fakes;

import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicyStore;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cache-policy store in memory. It knows no tenants unless {@link #onlyTenants} names some (a save for another is
 * then a {@link NotFoundException}, as the real store's foreign key does).
 */
public final class InMemoryCachePolicyStore implements CachePolicyStore {
    private final Map<TenantId, CachePolicy> policies = new ConcurrentHashMap<>();
    private volatile Set<TenantId> tenants;

    @Override
    public Optional<CachePolicy> find(TenantId tenant) {
        return Optional.ofNullable(policies.get(tenant));
    }

    @Override
    public void save(TenantId tenant, CachePolicy policy) {
        if (tenants != null && !tenants.contains(tenant)) {
            throw new NotFoundException("tenant " + tenant + " does not exist");
        }
        policies.put(tenant, policy);
    }

    @Override
    public boolean remove(TenantId tenant) {
        return policies.remove(tenant) != null;
    }

    @Override
    public Map<TenantId, CachePolicy> loadAll() {
        return Map.copyOf(policies);
    }

    public void onlyTenants(Set<TenantId> known) {
        this.tenants = Set.copyOf(known);
    }
}
