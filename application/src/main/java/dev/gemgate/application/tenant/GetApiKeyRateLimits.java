package dev.gemgate.application.tenant;

import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * A key's rate-limit override as stored and the limits in force with it; {@code NotFoundException} unless the key
 * belongs to the live tenant. A read: not audited.
 */
public final class GetApiKeyRateLimits {
    public record Query(TenantId tenant, ApiKeyId key) {
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final RateLimitOverrideStore store;
    private final OverridingRateLimitSource limits;

    public GetApiKeyRateLimits(TenantRepository tenants, ApiKeyRepository keys, RateLimitOverrideStore store,
                               OverridingRateLimitSource limits) {
        this.tenants = tenants;
        this.keys = keys;
        this.store = store;
        this.limits = limits;
    }

    public ApiKeyRateLimits execute(Query query) {
        ApiKey key = AdminLookups.keyOf(tenants, keys, query.tenant(), query.key());
        ApiKeyRateLimitOverride override = store.findApiKey(key.id())
                .orElseGet(() -> ApiKeyRateLimitOverride.none(key.tenantId(), key.id()));
        return new ApiKeyRateLimits(override, limits.effective(override));
    }
}
