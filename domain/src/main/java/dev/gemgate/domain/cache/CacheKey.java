package dev.gemgate.domain.cache;

import dev.gemgate.domain.tenant.TenantId;

/** A response cache key: always scoped by tenant, so one tenant can never read another's answer. */
public record CacheKey(TenantId tenant, String fingerprint) {
    public CacheKey {
        if (tenant == null || fingerprint == null || !fingerprint.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a cache key is a tenant and a SHA-256 fingerprint");
        }
    }
}
