package dev.gemgate.application.tenant;

import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

/** One live tenant; {@code NotFoundException} if it does not exist or was deleted. A read: not audited. */
public final class GetTenant {
    public record Query(TenantId tenant) {
    }

    private final TenantRepository tenants;

    public GetTenant(TenantRepository tenants) {
        this.tenants = tenants;
    }

    public Tenant execute(Query query) {
        return AdminLookups.liveTenant(tenants, query.tenant());
    }
}
