package dev.gemgate.domain.fakes;

import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The override store in memory, with the PostgreSQL adapter's rules (an empty override is refused); it does not know
 * tenants, so it neither checks that they exist nor leaves out deleted ones. {@link #failLoads} makes
 * {@link #loadAll()} throw, as a database outage would.
 */
public final class InMemoryRateLimitOverrideStore implements RateLimitOverrideStore {
    private final Map<TenantId, TenantRateLimitOverride> tenants = new ConcurrentHashMap<>();
    private final Map<ApiKeyId, ApiKeyRateLimitOverride> keys = new ConcurrentHashMap<>();
    private volatile boolean failLoads;
    private volatile int loads;

    @Override
    public Optional<TenantRateLimitOverride> findTenant(TenantId tenant) {
        return Optional.ofNullable(tenants.get(tenant));
    }

    @Override
    public Optional<ApiKeyRateLimitOverride> findApiKey(ApiKeyId key) {
        return Optional.ofNullable(keys.get(key));
    }

    @Override
    public void save(TenantRateLimitOverride override) {
        if (override.isEmpty()) {
            throw new IllegalArgumentException("an empty override is not stored: clear it instead");
        }
        tenants.put(override.tenant(), override);
    }

    @Override
    public void save(ApiKeyRateLimitOverride override) {
        if (override.isEmpty()) {
            throw new IllegalArgumentException("an empty override is not stored: clear it instead");
        }
        keys.put(override.key(), override);
    }

    @Override
    public boolean clearTenant(TenantId tenant) {
        return tenants.remove(tenant) != null;
    }

    @Override
    public boolean clearApiKey(ApiKeyId key) {
        return keys.remove(key) != null;
    }

    @Override
    public All loadAll() {
        loads++;
        if (failLoads) {
            throw new IllegalStateException("the override store is unreachable");
        }
        return new All(tenants, keys);
    }

    public void failLoads(boolean fail) {
        failLoads = fail;
    }

    /** How many times {@link #loadAll()} was called. */
    public int loads() {
        return loads;
    }
}
