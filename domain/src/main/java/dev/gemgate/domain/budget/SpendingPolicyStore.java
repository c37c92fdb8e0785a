package dev.gemgate.domain.budget;

import dev.gemgate.domain.tenant.TenantId;

import java.util.Map;
import java.util.Optional;

/**
 * Port: the spending policies admins set per tenant, kept where every replica sees them (PostgreSQL). Never read on the
 * request path: {@link StoredSpendingPolicySource} holds all of them in memory ({@link #loadAll}). A tenant without a
 * stored policy has {@link SpendingPolicy#DEFAULT}.
 */
public interface SpendingPolicyStore {
    Optional<SpendingPolicy> find(TenantId tenant);

    /**
     * Stores (inserts or replaces) the tenant's policy.
     *
     * @throws IllegalArgumentException if the tenant does not exist
     */
    void save(TenantId tenant, SpendingPolicy policy);

    /** Every stored policy of a tenant that is not deleted. */
    Map<TenantId, SpendingPolicy> loadAll();
}
