package dev.gemgate.domain.tenant;

import java.util.Optional;

/**
 * Port: the tenants. {@code save} inserts or updates by id; a name another live (not deleted) tenant holds, compared
 * without regard to case, is refused with {@code ConflictException}, also when two saves race.
 */
public interface TenantRepository {
    void save(Tenant tenant);

    /** Deleted tenants too (callers decide what a deleted tenant means to them). */
    Optional<Tenant> findById(TenantId id);

    /** The live (not deleted) tenant of that name, ignoring case. */
    Optional<Tenant> findByName(String name);

    TenantPage search(TenantSearch search);
}
