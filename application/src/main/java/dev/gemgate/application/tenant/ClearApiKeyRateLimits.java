package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * Removes a key's rate-limit override: the configured key defaults apply again, on this instance at once, on the
 * others within {@code gemgate.quota.overrides-refresh}. Idempotent. Audited as API_KEY_RATE_LIMITS_CHANGED, unless
 * there was no override.
 */
public final class ClearApiKeyRateLimits {
    public record Command(TenantId tenant, ApiKeyId key, AdminActor actor) {
        public Command {
            if (tenant == null || key == null || actor == null) {
                throw new InvalidRequestException("a tenant, a key and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final RateLimitOverrideChange change;

    public ClearApiKeyRateLimits(TenantRepository tenants, ApiKeyRepository keys, RateLimitOverrideStore store,
                                 OverridingRateLimitSource limits, AdminAudit audit) {
        this.tenants = tenants;
        this.keys = keys;
        this.change = new RateLimitOverrideChange(store, limits, audit);
    }

    public ApiKeyRateLimits execute(Command command) {
        ApiKey key = AdminLookups.keyOf(tenants, keys, command.tenant(), command.key());
        return change.replace(ApiKeyRateLimitOverride.none(key.tenantId(), key.id()), command.actor(), "cleared");
    }
}
