package dev.gemgate.domain.fakes;

import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicyStore;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The spending-policy store in memory; it does not know tenants. {@link #failLoads} makes loads throw. */
public final class InMemorySpendingPolicyStore implements SpendingPolicyStore {
    private final Map<TenantId, SpendingPolicy> policies = new ConcurrentHashMap<>();
    private volatile boolean failLoads;

    @Override
    public Optional<SpendingPolicy> find(TenantId tenant) {
        return Optional.ofNullable(policies.get(tenant));
    }

    @Override
    public void save(TenantId tenant, SpendingPolicy policy) {
        policies.put(tenant, policy);
    }

    @Override
    public Map<TenantId, SpendingPolicy> loadAll() {
        if (failLoads) {
            throw new IllegalStateException("the database is down");
        }
        return Map.copyOf(policies);
    }

    public void failLoads(boolean fail) {
        this.failLoads = fail;
    }
}
