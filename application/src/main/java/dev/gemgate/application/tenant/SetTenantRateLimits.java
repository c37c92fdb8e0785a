package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Replaces a live tenant's rate-limit override: its own limits, its limits on each model, its priority class; what
 * the command holds is what the override then is (absent fields inherit the configured defaults; all absent is the
 * same as {@link ClearTenantRateLimits}). In force on this instance at once, on the others within
 * {@code gemgate.quota.overrides-refresh}. Audited as TENANT_RATE_LIMITS_CHANGED with before and after, unless nothing
 * changed.
 */
public final class SetTenantRateLimits {
    public record Command(TenantId tenant, LimitOverrides tenantLimits, LimitOverrides tenantModelLimits,
                          Optional<PriorityClass> priority, AdminActor actor) {
        public Command {
            if (tenant == null || tenantLimits == null || tenantModelLimits == null || priority == null
                    || actor == null) {
                throw new InvalidRequestException("a tenant, its limits, its priority and an admin actor are required");
            }
        }
    }

    /**
     * Builds one scope's overrides, turning a value outside 1 to 10^11 into a 400 naming the field as
     * {@code <scope>.<field>} (e.g. {@code tenant.requestsPerMinute}); an empty scope names the bare field.
     */
    public static LimitOverrides limits(String scope, OptionalLong requestsPerMinute, OptionalLong tokensPerMinute,
                                        OptionalLong requestsPerDay, OptionalLong concurrentRequests) {
        String prefix = scope == null || scope.isEmpty() ? "" : scope + ".";
        check(prefix + LimitOverrides.REQUESTS_PER_MINUTE, requestsPerMinute);
        check(prefix + LimitOverrides.TOKENS_PER_MINUTE, tokensPerMinute);
        check(prefix + LimitOverrides.REQUESTS_PER_DAY, requestsPerDay);
        check(prefix + LimitOverrides.CONCURRENT_REQUESTS, concurrentRequests);
        return AdminLookups.valid(scope == null || scope.isEmpty() ? "rateLimits" : scope,
                () -> new LimitOverrides(requestsPerMinute, tokensPerMinute, requestsPerDay, concurrentRequests));
    }

    private static void check(String field, OptionalLong value) {
        if (value != null && value.isPresent()) {
            String problem = LimitOverrides.problemWith(value.getAsLong());
            if (problem != null) {
                throw InvalidRequestException.forField(field, problem);
            }
        }
    }

    private final TenantRepository tenants;
    private final RateLimitOverrideChange change;

    public SetTenantRateLimits(TenantRepository tenants, RateLimitOverrideStore store, OverridingRateLimitSource limits,
                               AdminAudit audit) {
        this.tenants = tenants;
        this.change = new RateLimitOverrideChange(store, limits, audit);
    }

    public TenantRateLimits execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        return change.replace(new TenantRateLimitOverride(tenant, command.tenantLimits(), command.tenantModelLimits(),
                command.priority()), command.actor(), "set");
    }
}
