package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.ReloadableSnapshot;
import dev.gemgate.domain.tenant.TenantId;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link SpendingPolicySource} of production: the policies admins stored through {@link SpendingPolicyStore},
 * answered from memory; a tenant without one has the {@code fallback} (the configured policy of every tenant). The same snapshot mechanism as
 * {@link StoredBudgetSource}: reloaded periodically, amended at once by {@link #put} after a change on this instance.
 */
public final class StoredSpendingPolicySource implements SpendingPolicySource {
    private final SpendingPolicy fallback;
    private final ReloadableSnapshot<Map<TenantId, SpendingPolicy>> snapshot;

    public StoredSpendingPolicySource(SpendingPolicy fallback, SpendingPolicyStore store) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(store, "store");
        this.snapshot = new ReloadableSnapshot<>(Map.of(), () -> Map.copyOf(store.loadAll()));
    }

    @Override
    public SpendingPolicy of(TenantId tenant) {
        return snapshot.get().getOrDefault(tenant, fallback);
    }

    /** The policy of a tenant that has none of its own. */
    public SpendingPolicy fallback() {
        return fallback;
    }

    public void reload() {
        snapshot.reload();
    }

    /** Puts a policy just stored on this instance into the snapshot. */
    public void put(TenantId tenant, SpendingPolicy policy) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        snapshot.amend(policies -> {
            Map<TenantId, SpendingPolicy> changed = new HashMap<>(policies);
            changed.put(tenant, policy);
            return Map.copyOf(changed);
        });
    }

    /** How many tenants have a stored policy (for tests and logs). */
    public int size() {
        return snapshot.get().size();
    }
}
