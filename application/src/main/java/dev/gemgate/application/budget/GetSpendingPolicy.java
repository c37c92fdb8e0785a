package dev.gemgate.application.budget;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicyStore;
import dev.gemgate.domain.budget.StoredSpendingPolicySource;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/**
 * A live tenant's spending policy as stored (read from the store, not from this instance's snapshot), or the configured
 * one if it has none of its own. A read: not audited.
 */
public final class GetSpendingPolicy {
    public record Query(TenantId tenant) {
    }

    private final TenantRepository tenants;
    private final SpendingPolicyStore store;
    private final StoredSpendingPolicySource source;

    public GetSpendingPolicy(TenantRepository tenants, SpendingPolicyStore store, StoredSpendingPolicySource source) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
    }

    public SpendingPolicy execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        return store.find(tenant).orElseGet(source::fallback);
    }
}
