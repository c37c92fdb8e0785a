package dev.gemgate.application.budget;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicyStore;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/** A live tenant's spending policy as stored ({@link SpendingPolicy#DEFAULT} if it has none). A read: not audited. */
public final class GetSpendingPolicy {
    public record Query(TenantId tenant) {
    }

    private final TenantRepository tenants;
    private final SpendingPolicyStore store;

    public GetSpendingPolicy(TenantRepository tenants, SpendingPolicyStore store) {
        this.tenants = tenants;
        this.store = store;
    }

    public SpendingPolicy execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        return store.find(tenant).orElse(SpendingPolicy.DEFAULT);
    }
}
