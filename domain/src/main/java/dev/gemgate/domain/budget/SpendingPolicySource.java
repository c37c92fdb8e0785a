package dev.gemgate.domain.budget;

import dev.gemgate.domain.tenant.TenantId;

/** Port: the spending policy in force for a tenant ({@link SpendingPolicy#DEFAULT} unless an admin set one). */
@FunctionalInterface
public interface SpendingPolicySource {
    SpendingPolicy of(TenantId tenant);

    static SpendingPolicySource defaults() {
        return tenant -> SpendingPolicy.DEFAULT;
    }
}
