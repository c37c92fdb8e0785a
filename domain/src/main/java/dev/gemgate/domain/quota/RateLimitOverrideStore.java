package dev.gemgate.domain.quota;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Map;
import java.util.Optional;

/**
 * Port: the per-tenant and per-key rate-limit overrides an admin set, kept where every replica sees them (PostgreSQL).
 * Never read on the request path: {@link OverridingRateLimitSource} holds all of them in memory ({@link #loadAll}) and
 * reloads them periodically. At most one override per tenant and one per key; an empty override is never stored
 * (clearing is {@link #clearTenant}/{@link #clearApiKey}).
 */
public interface RateLimitOverrideStore {
    Optional<TenantRateLimitOverride> findTenant(TenantId tenant);

    Optional<ApiKeyRateLimitOverride> findApiKey(ApiKeyId key);

    /**
     * Stores (inserts or replaces) the tenant's override.
     *
     * @throws IllegalArgumentException if it is empty, or the tenant does not exist
     */
    void save(TenantRateLimitOverride override);

    /**
     * Stores (inserts or replaces) the key's override.
     *
     * @throws IllegalArgumentException if it is empty, or the key does not exist or is not the tenant's
     */
    void save(ApiKeyRateLimitOverride override);

    /** Removes the tenant's override (not its keys'); false if it had none. */
    boolean clearTenant(TenantId tenant);

    /** Removes the key's override; false if it had none. */
    boolean clearApiKey(ApiKeyId key);

    /** Every override in force: those of tenants that are not deleted, and of their keys. */
    All loadAll();

    /** Every override, by tenant and by key. */
    record All(Map<TenantId, TenantRateLimitOverride> tenants, Map<ApiKeyId, ApiKeyRateLimitOverride> keys) {
        public static final All NONE = new All(Map.of(), Map.of());

        public All {
            tenants = Map.copyOf(tenants);
            keys = Map.copyOf(keys);
        }
    }
}
