package dev.gemgate.domain.quota;

import dev.gemgate.domain.common.ReloadableSnapshot;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link RateLimitSource} of production: the configured defaults, overridden field by field by the overrides
 * stored through {@link RateLimitOverrideStore}, answered from memory (every admission asks; no store read per
 * request).
 *
 * <p>The overrides are an immutable snapshot of {@link RateLimitOverrideStore#loadAll()} (a ReloadableSnapshot),
 * replaced by {@link #reload} (at start-up and then periodically: the application schedules it, the domain runs no
 * threads) and amended at once by {@link #put} after a change made on this instance. So a change is in force on the
 * instance that made it at once, and on every other replica within one reload period. Until the first successful reload
 * the snapshot is empty: the defaults apply. A failed reload changes nothing (the caller logs it).
 *
 * <p>{@code reload}, {@code put} and {@code remove} are serialised by one lock held across the store read, so a reload
 * that read the store before a change was written cannot replace the snapshot after the change was put into it.
 */
public final class OverridingRateLimitSource implements RateLimitSource {
    private final RateLimits tenantDefaults;
    private final RateLimits tenantModelDefaults;
    private final RateLimits keyDefaults;
    /** The overrides, and the same merged with the defaults once per change, so an admission only looks limits up. */
    private final ReloadableSnapshot<State> snapshot;

    public OverridingRateLimitSource(RateLimits tenantDefaults, RateLimits tenantModelDefaults, RateLimits keyDefaults,
                                     RateLimitOverrideStore store) {
        this.tenantDefaults = Objects.requireNonNull(tenantDefaults, "tenantDefaults");
        this.tenantModelDefaults = Objects.requireNonNull(tenantModelDefaults, "tenantModelDefaults");
        this.keyDefaults = Objects.requireNonNull(keyDefaults, "keyDefaults");
        Objects.requireNonNull(store, "store");
        this.snapshot = new ReloadableSnapshot<>(State.NONE,
                () -> resolve(Objects.requireNonNull(store.loadAll(), "loadAll")));
    }

    @Override
    public RateLimits tenant(TenantId tenant) {
        Effective effective = snapshot.get().resolved().tenants().get(tenant);
        return effective == null ? tenantDefaults : effective.tenant();
    }

    @Override
    public RateLimits tenantModel(TenantId tenant, ModelId model) {
        Effective effective = snapshot.get().resolved().tenants().get(tenant);
        return effective == null ? tenantModelDefaults : effective.tenantModel();
    }

    @Override
    public RateLimits apiKey(TenantId tenant, ApiKeyId key) {
        KeyLimits limits = snapshot.get().resolved().keys().get(key);
        return limits == null || !limits.tenant().equals(tenant) ? keyDefaults : limits.limits();
    }

    @Override
    public PriorityClass priority(TenantId tenant) {
        Effective effective = snapshot.get().resolved().tenants().get(tenant);
        return effective == null ? PriorityClass.NORMAL : effective.priority();
    }

    /** What a tenant with {@code override} is held to: its limits, its limits per model, its priority class. */
    public Effective effective(TenantRateLimitOverride override) {
        return new Effective(override.tenantLimits().over(tenantDefaults),
                override.tenantModelLimits().over(tenantModelDefaults),
                override.priority().orElse(PriorityClass.NORMAL));
    }

    /** What a key with {@code override} is held to. */
    public RateLimits effective(ApiKeyRateLimitOverride override) {
        return override.limits().over(keyDefaults);
    }

    /** Replaces the snapshot with what the store holds now; on a store failure it throws and keeps the old one. */
    public void reload() {
        snapshot.reload();
    }

    /** Puts a tenant's override just stored into the snapshot (an empty one removes it). */
    public void put(TenantRateLimitOverride override) {
        amend(tenants -> {
            if (override.isEmpty()) {
                tenants.remove(override.tenant());
            } else {
                tenants.put(override.tenant(), override);
            }
        }, keys -> {
        });
    }

    /** Puts a key's override just stored into the snapshot (an empty one removes it). */
    public void put(ApiKeyRateLimitOverride override) {
        amend(tenants -> {
        }, keys -> {
            if (override.isEmpty()) {
                keys.remove(override.key());
            } else {
                keys.put(override.key(), override);
            }
        });
    }

    /** How many tenant and key overrides the snapshot holds (for tests and metrics). */
    public int size() {
        RateLimitOverrideStore.All all = snapshot.get().all();
        return all.tenants().size() + all.keys().size();
    }

    private void amend(java.util.function.Consumer<Map<TenantId, TenantRateLimitOverride>> tenantChange,
                       java.util.function.Consumer<Map<ApiKeyId, ApiKeyRateLimitOverride>> keyChange) {
        snapshot.amend(current -> {
            Map<TenantId, TenantRateLimitOverride> tenants = new HashMap<>(current.all().tenants());
            Map<ApiKeyId, ApiKeyRateLimitOverride> keys = new HashMap<>(current.all().keys());
            tenantChange.accept(tenants);
            keyChange.accept(keys);
            return resolve(new RateLimitOverrideStore.All(tenants, keys));
        });
    }

    /** The overrides and their merge with the defaults. */
    private State resolve(RateLimitOverrideStore.All all) {
        Map<TenantId, Effective> tenants = new HashMap<>();
        all.tenants().forEach((id, override) -> tenants.put(id, effective(override)));
        Map<ApiKeyId, KeyLimits> keys = new HashMap<>();
        all.keys().forEach((id, override) -> keys.put(id, new KeyLimits(override.tenant(), effective(override))));
        return new State(all, new Resolved(Map.copyOf(tenants), Map.copyOf(keys)));
    }

    private record State(RateLimitOverrideStore.All all, Resolved resolved) {
        static final State NONE = new State(RateLimitOverrideStore.All.NONE, Resolved.NONE);
    }

    private record KeyLimits(TenantId tenant, RateLimits limits) {
    }

    private record Resolved(Map<TenantId, Effective> tenants, Map<ApiKeyId, KeyLimits> keys) {
        static final Resolved NONE = new Resolved(Map.of(), Map.of());
    }

    /** A tenant's limits in force: each field its override's, or else the configured default's. */
    public record Effective(RateLimits tenant, RateLimits tenantModel, PriorityClass priority) {
    }
}
