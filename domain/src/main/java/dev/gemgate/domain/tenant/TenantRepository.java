package dev.gemgate.domain.tenant;

import java.util.List;
import java.util.Optional;

/** Port: the tenants. */
public interface TenantRepository {
    void save(Tenant tenant);

    Optional<Tenant> findById(TenantId id);

    Optional<Tenant> findByName(String name);

    List<Tenant> list(int offset, int limit);
}
