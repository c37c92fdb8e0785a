package dev.gemgate.domain.cache;

import dev.gemgate.domain.tenant.TenantId;

/**
 * Port: the cache policy in force for a tenant: its own, else the configured default ({@code gemgate.cache.*}).
 * Answered from memory (called on the request path).
 */
@FunctionalInterface
public interface CachePolicySource {
    CachePolicySource OFF = tenant -> CachePolicy.OFF;

    CachePolicy policyOf(TenantId tenant);

    /** Every tenant on {@code policy}. */
    static CachePolicySource fixed(CachePolicy policy) {
        return tenant -> policy;
    }
}
