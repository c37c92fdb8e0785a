package dev.gemgate.domain.quota;

import dev.gemgate.domain.tenant.TenantId;

import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's stored override: its own limits (all its keys and models together), its limits on each of its models
 * (the same for every model), and its priority class when requests wait. Whatever is absent inherits the configured
 * default.
 */
public record TenantRateLimitOverride(TenantId tenant, LimitOverrides tenantLimits, LimitOverrides tenantModelLimits,
                                      Optional<PriorityClass> priority) {
    public TenantRateLimitOverride {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(tenantLimits, "tenantLimits");
        Objects.requireNonNull(tenantModelLimits, "tenantModelLimits");
        Objects.requireNonNull(priority, "priority");
    }

    /** No override at all: what a tenant without a stored override has. */
    public static TenantRateLimitOverride none(TenantId tenant) {
        return new TenantRateLimitOverride(tenant, LimitOverrides.NONE, LimitOverrides.NONE, Optional.empty());
    }

    /** True when it overrides nothing (storing it would be the same as clearing the override). */
    public boolean isEmpty() {
        return tenantLimits.isEmpty() && tenantModelLimits.isEmpty() && priority.isEmpty();
    }
}
