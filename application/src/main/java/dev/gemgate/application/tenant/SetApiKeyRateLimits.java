package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * Replaces a key's rate-limit override (build it with {@link SetTenantRateLimits#limits} and an empty scope): absent
 * fields inherit the configured key defaults; all absent is the same as {@link ClearApiKeyRateLimits}. The tenant's
 * own limits still apply on top. In force on this instance at once, on the others within
 * {@code gemgate.quota.overrides-refresh}. Audited as API_KEY_RATE_LIMITS_CHANGED, unless nothing changed.
 */
public final class SetApiKeyRateLimits {
    public record Command(TenantId tenant, ApiKeyId key, LimitOverrides limits, AdminActor actor) {
        public Command {
            if (tenant == null || key == null || limits == null || actor == null) {
                throw new InvalidRequestException("a tenant, a key, its limits and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final RateLimitOverrideChange change;

    public SetApiKeyRateLimits(TenantRepository tenants, ApiKeyRepository keys, RateLimitOverrideStore store,
                               OverridingRateLimitSource limits, AdminAudit audit) {
        this.tenants = tenants;
        this.keys = keys;
        this.change = new RateLimitOverrideChange(store, limits, audit);
    }

    public ApiKeyRateLimits execute(Command command) {
        ApiKey key = AdminLookups.keyOf(tenants, keys, command.tenant(), command.key());
        return change.replace(new ApiKeyRateLimitOverride(key.tenantId(), key.id(), command.limits()),
                command.actor(), "set");
    }
}
