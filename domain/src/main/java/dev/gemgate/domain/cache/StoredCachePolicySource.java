package dev.gemgate.domain.cache;

import dev.gemgate.domain.common.ReloadableSnapshot;
import dev.gemgate.domain.tenant.TenantId;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link CachePolicySource} of production: the policies admins stored through {@link CachePolicyStore}, answered
 * from memory, over the configured default. The same snapshot mechanism as the fallback and spending policies:
 * reloaded periodically, amended at once by {@link #put} and {@link #remove} after a change on this instance.
 */
public final class StoredCachePolicySource implements CachePolicySource {
    private final CachePolicy configured;
    private final ReloadableSnapshot<Map<TenantId, CachePolicy>> snapshot;

    public StoredCachePolicySource(CachePolicy configured, CachePolicyStore store) {
        this.configured = Objects.requireNonNull(configured, "configured");
        Objects.requireNonNull(store, "store");
        this.snapshot = new ReloadableSnapshot<>(Map.of(), () -> Map.copyOf(store.loadAll()));
    }

    @Override
    public CachePolicy policyOf(TenantId tenant) {
        return snapshot.get().getOrDefault(tenant, configured);
    }

    /** The policy of every tenant without its own. */
    public CachePolicy configured() {
        return configured;
    }

    public void reload() {
        snapshot.reload();
    }

    /** Puts a policy just stored on this instance into the snapshot. */
    public void put(TenantId tenant, CachePolicy policy) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        snapshot.amend(policies -> {
            Map<TenantId, CachePolicy> changed = new HashMap<>(policies);
            changed.put(tenant, policy);
            return Map.copyOf(changed);
        });
    }

    /** Takes a policy just removed on this instance out of the snapshot (the configured default applies again). */
    public void remove(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        snapshot.amend(policies -> {
            Map<TenantId, CachePolicy> changed = new HashMap<>(policies);
            changed.remove(tenant);
            return Map.copyOf(changed);
        });
    }

    /** How many tenants have a stored policy (for tests and logs). */
    public int size() {
        return snapshot.get().size();
    }
}
