package dev.gemgate.application.tenant;

import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.TenantRateLimitOverride;

/**
 * A tenant's rate limits as an admin sees them: the stored override (empty fields inherit) and what is in force, the
 * override merged field by field with the configured defaults.
 */
public record TenantRateLimits(TenantRateLimitOverride override, OverridingRateLimitSource.Effective effective) {
}
