package dev.gemgate.domain.cache;

import dev.gemgate.domain.tenant.TenantId;

import java.util.Map;
import java.util.Optional;

/**
 * Port: the cache policies admins set per tenant, kept where every replica sees them (PostgreSQL). Never read on the
 * request path: {@link StoredCachePolicySource} holds all of them in memory ({@link #loadAll}).
 */
public interface CachePolicyStore {
    Optional<CachePolicy> find(TenantId tenant);

    /**
     * Stores (inserts or replaces) the tenant's policy.
     *
     * @throws dev.gemgate.domain.common.NotFoundException if the tenant does not exist
     */
    void save(TenantId tenant, CachePolicy policy);

    /** Removes the tenant's own policy (the configured default applies again); false when it had none. */
    boolean remove(TenantId tenant);

    /** Every stored policy of a tenant that is not deleted. */
    Map<TenantId, CachePolicy> loadAll();
}
