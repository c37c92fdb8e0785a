package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/**
 * {@link TenantRepository} on the {@code tenants} table. Each method is its own transaction (or joins the caller's),
 * because the use cases calling it know nothing of transactions.
 */
@ApplicationScoped
public class PostgresTenantRepository implements TenantRepository {
    static final String NAME_UNIQUE = "tenants_name_unique";

    /**
     * Inserts or updates by id. A name already used by another tenant is refused with the same error the
     * {@code CreateTenant} use case gives when it sees the clash first (this is the case where two creations race).
     * Instants are stored to the microsecond.
     */
    @Override
    @Transactional
    public void save(Tenant tenant) {
        TenantEntity row = TenantEntity.findById(tenant.id().value());
        boolean isNew = row == null;
        if (isNew) {
            row = new TenantEntity();
        }
        row.copyFrom(tenant);
        try {
            if (isNew) {
                row.persist();
            }
            TenantEntity.flush();
        } catch (PersistenceException e) {
            if (ConstraintViolations.isViolationOf(e, NAME_UNIQUE)) {
                throw new InvalidRequestException("a tenant named '" + tenant.name() + "' already exists");
            }
            throw e;
        }
    }

    @Override
    @Transactional
    public Optional<Tenant> findById(TenantId id) {
        return TenantEntity.<TenantEntity>findByIdOptional(id.value()).map(TenantEntity::toDomain);
    }

    @Override
    @Transactional
    public Optional<Tenant> findByName(String name) {
        return TenantEntity.<TenantEntity>find("name", name).firstResultOptional().map(TenantEntity::toDomain);
    }

    /** Oldest first (then by name), the order of the in-memory fake. */
    @Override
    @Transactional
    public List<Tenant> list(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit cannot be negative");
        }
        if (limit == 0) {
            return List.of();
        }
        return TenantEntity.<TenantEntity>find("order by createdAt, name, id")
                .range(offset, offset + limit - 1)
                .stream()
                .map(TenantEntity::toDomain)
                .toList();
    }
}
