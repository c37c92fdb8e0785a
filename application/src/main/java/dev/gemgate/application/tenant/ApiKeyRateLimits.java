package dev.gemgate.application.tenant;

import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.RateLimits;

/** A key's rate limits as an admin sees them: the stored override and the limits in force for the key. */
public record ApiKeyRateLimits(ApiKeyRateLimitOverride override, RateLimits effective) {
}
