package dev.gemgate.domain.quota;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Objects;

/** An API key's stored override of its own limits; whatever is absent inherits the configured default. */
public record ApiKeyRateLimitOverride(TenantId tenant, ApiKeyId key, LimitOverrides limits) {
    public ApiKeyRateLimitOverride {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(limits, "limits");
    }

    /** No override: what a key without a stored override has. */
    public static ApiKeyRateLimitOverride none(TenantId tenant, ApiKeyId key) {
        return new ApiKeyRateLimitOverride(tenant, key, LimitOverrides.NONE);
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }
}
