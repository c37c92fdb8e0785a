package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * Removes a live tenant's rate-limit override (not its keys'): the configured defaults apply again, on this instance
 * at once, on the others within {@code gemgate.quota.overrides-refresh}. Idempotent. Audited as
 * TENANT_RATE_LIMITS_CHANGED with before and after (nothing overridden), unless there was no override.
 */
public final class ClearTenantRateLimits {
    public record Command(TenantId tenant, AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final RateLimitOverrideChange change;

    public ClearTenantRateLimits(TenantRepository tenants, RateLimitOverrideStore store,
                                 OverridingRateLimitSource limits, AdminAudit audit) {
        this.tenants = tenants;
        this.change = new RateLimitOverrideChange(store, limits, audit);
    }

    public TenantRateLimits execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        return change.replace(TenantRateLimitOverride.none(tenant), command.actor(), "cleared");
    }
}
