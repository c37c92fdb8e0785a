package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fallback-policy store in memory. It knows no tenants unless {@link #onlyTenants} names some (a save for another
 * is then a {@link NotFoundException}, as the real store's foreign key does); {@link #failLoads} makes loads throw.
 */
public final class InMemoryFallbackPolicyStore implements FallbackPolicyStore {
    private final Map<TenantId, FallbackPolicy> policies = new ConcurrentHashMap<>();
    private volatile Set<TenantId> tenants;
    private volatile boolean failLoads;

    @Override
    public Optional<FallbackPolicy> find(TenantId tenant) {
        return Optional.ofNullable(policies.get(tenant));
    }

    @Override
    public void save(TenantId tenant, FallbackPolicy policy) {
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
    public Map<TenantId, FallbackPolicy> loadAll() {
        if (failLoads) {
            throw new IllegalStateException("the database is down");
        }
        return Map.copyOf(policies);
    }

    public void onlyTenants(Set<TenantId> known) {
        this.tenants = Set.copyOf(known);
    }

    public void failLoads(boolean fail) {
        this.failLoads = fail;
    }
}
