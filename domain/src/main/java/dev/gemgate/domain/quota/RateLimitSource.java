package dev.gemgate.domain.quota;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

/**
 * Port: the rate limits in force for each scope. Today the configured defaults ({@link #defaults}); the admin API's
 * per-tenant and per-key overrides (kept in PostgreSQL) will come through another implementation of this port, falling
 * back to the defaults. Called on every admission: an implementation answers from memory.
 */
public interface RateLimitSource {
    RateLimits tenant(TenantId tenant);

    RateLimits tenantModel(TenantId tenant, ModelId model);

    RateLimits apiKey(TenantId tenant, ApiKeyId key);

    /** The tenant's priority class when requests wait for admission; {@link PriorityClass#NORMAL} unless set. */
    default PriorityClass priority(TenantId tenant) {
        return PriorityClass.NORMAL;
    }

    /** The same limits for every tenant, every tenant x model and every key. */
    static RateLimitSource defaults(RateLimits tenant, RateLimits tenantModel, RateLimits apiKey) {
        if (tenant == null || tenantModel == null || apiKey == null) {
            throw new IllegalArgumentException("limits are required (RateLimits.UNLIMITED for none)");
        }
        return new RateLimitSource() {
            @Override
            public RateLimits tenant(TenantId id) {
                return tenant;
            }

            @Override
            public RateLimits tenantModel(TenantId id, ModelId model) {
                return tenantModel;
            }

            @Override
            public RateLimits apiKey(TenantId id, ApiKeyId key) {
                return apiKey;
            }
        };
    }
}
