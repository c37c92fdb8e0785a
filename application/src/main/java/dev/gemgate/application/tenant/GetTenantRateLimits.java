package dev.gemgate.application.tenant;

import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * A live tenant's rate-limit override as stored (read from the store, not from this instance's snapshot) and the
 * limits in force with it; {@code NotFoundException} for an unknown or deleted tenant. A read: not audited.
 */
public final class GetTenantRateLimits {
    public record Query(TenantId tenant) {
    }

    private final TenantRepository tenants;
    private final RateLimitOverrideStore store;
    private final OverridingRateLimitSource limits;

    public GetTenantRateLimits(TenantRepository tenants, RateLimitOverrideStore store,
                               OverridingRateLimitSource limits) {
        this.tenants = tenants;
        this.store = store;
        this.limits = limits;
    }

    public TenantRateLimits execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        TenantRateLimitOverride override = store.findTenant(tenant)
                .orElseGet(() -> TenantRateLimitOverride.none(tenant));
        return new TenantRateLimits(override, limits.effective(override));
    }
}
