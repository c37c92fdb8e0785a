package dev.gemgate.domain.usage;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;

/** One tenant's requests and what they cost over a period. */
public record TenantSpend(TenantId tenant, long requests, Money cost) {
    public TenantSpend {
        if (tenant == null || cost == null || requests < 0) {
            throw new IllegalArgumentException("a tenant's spend needs the tenant, its requests and its cost");
        }
    }
}
