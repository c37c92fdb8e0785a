package dev.gemgate.domain.upstream;

import dev.gemgate.domain.common.ReloadableSnapshot;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link FallbackPolicySource} of production: the policies admins stored through {@link FallbackPolicyStore},
 * answered from memory, over the configured chains ({@code gemgate.upstream.fallback.*}). Resolution: a strict tenant
 * has no fallback; else the tenant's own chain of the model if its policy names the model (an empty one included);
 * else the configured chain of the model; else none. The same snapshot mechanism as the spending policies: reloaded
 * periodically, amended at once by {@link #put} and {@link #remove} after a change on this instance.
 */
public final class StoredFallbackPolicySource implements FallbackPolicySource {
    private final FallbackPolicy configured;
    private final ReloadableSnapshot<Map<TenantId, FallbackPolicy>> snapshot;

    /**
     * @param configured the chain of each model for every tenant without its own (checked as a tenant's chains are:
     *                   at most {@link FallbackPolicy#MAX_CHAIN} models, none twice, never the model itself)
     */
    public StoredFallbackPolicySource(Map<ModelId, List<ModelId>> configured, FallbackPolicyStore store) {
        this.configured = new FallbackPolicy(false, Objects.requireNonNull(configured, "configured"));
        Objects.requireNonNull(store, "store");
        this.snapshot = new ReloadableSnapshot<>(Map.of(), () -> Map.copyOf(store.loadAll()));
    }

    @Override
    public List<ModelId> chainFor(TenantId tenant, ModelId model) {
        FallbackPolicy own = snapshot.get().get(tenant);
        if (own != null) {
            if (own.strict()) {
                return List.of();
            }
            List<ModelId> chain = own.chains().get(model);
            if (chain != null) {
                return chain;
            }
        }
        return configured.chains().getOrDefault(model, List.of());
    }

    /** The configured chains (of every tenant without its own policy for a model). */
    public Map<ModelId, List<ModelId>> configuredChains() {
        return configured.chains();
    }

    public void reload() {
        snapshot.reload();
    }

    /** Puts a policy just stored on this instance into the snapshot. */
    public void put(TenantId tenant, FallbackPolicy policy) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        snapshot.amend(policies -> {
            Map<TenantId, FallbackPolicy> changed = new HashMap<>(policies);
            changed.put(tenant, policy);
            return Map.copyOf(changed);
        });
    }

    /** Takes a policy just removed on this instance out of the snapshot (the configured chains apply again). */
    public void remove(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        snapshot.amend(policies -> {
            Map<TenantId, FallbackPolicy> changed = new HashMap<>(policies);
            changed.remove(tenant);
            return Map.copyOf(changed);
        });
    }

    /** How many tenants have a stored policy (for tests and logs). */
    public int size() {
        return snapshot.get().size();
    }
}
