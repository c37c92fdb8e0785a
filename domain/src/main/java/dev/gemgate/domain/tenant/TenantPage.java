package dev.gemgate.domain.tenant;

import java.util.List;

/** One page of a {@link TenantSearch} and how many tenants match in all. */
public record TenantPage(List<Tenant> tenants, long total) {
    public TenantPage {
        if (tenants == null || total < tenants.size()) {
            throw new IllegalArgumentException("a page holds at most the total");
        }
        tenants = List.copyOf(tenants);
    }
}
