package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.tenant.TenantSearch;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.ParameterExpression;
import jakarta.persistence.criteria.Root;
import jakarta.transaction.Transactional;

import java.util.Locale;
import java.util.Optional;

/**
 * {@link TenantRepository} on the {@code tenants} table (and {@code tenant_metadata}). Each method is its own
 * transaction (or joins the caller's), because the use cases calling it know nothing of transactions.
 */
@ApplicationScoped
public class PostgresTenantRepository implements TenantRepository {
    /** The partial unique index on {@code lower(name)} of tenants that are not deleted (V5). */
    static final String LIVE_NAME_UNIQUE = "tenants_live_name_unique";

    /**
     * Inserts or updates by id. A name another live tenant holds (ignoring case) is refused with
     * {@link ConflictException}, the same failure {@code CreateTenant} gives when it sees the clash first: this is the
     * case where two creations race, and the unique index decides. Instants are stored to the microsecond.
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
            if (ConstraintViolations.isViolationOf(e, LIVE_NAME_UNIQUE)) {
                throw new ConflictException("a tenant named '" + tenant.name() + "' already exists");
            }
            throw e;
        }
    }

    @Override
    @Transactional
    public Optional<Tenant> findById(TenantId id) {
        return TenantEntity.<TenantEntity>findByIdOptional(id.value()).map(TenantEntity::toDomain);
    }

    /**
     * One probe of the partial unique index on {@code lower(name)}. A criteria query, not HQL: the demo seeder asks it
     * at every start, and the first HQL query of a process pays for starting Hibernate's HQL parser (ANTLR's tables,
     * about 100 ms on the start-up path; infra/bench/README.md, "Runs 99-100").
     */
    @Override
    @Transactional
    public Optional<Tenant> findByName(String name) {
        EntityManager entityManager = TenantEntity.getEntityManager();
        CriteriaBuilder criteria = entityManager.getCriteriaBuilder();
        CriteriaQuery<TenantEntity> query = criteria.createQuery(TenantEntity.class);
        Root<TenantEntity> tenant = query.from(TenantEntity.class);
        ParameterExpression<String> wanted = criteria.parameter(String.class);
        query.where(criteria.equal(criteria.lower(tenant.get("name")), criteria.lower(wanted)),
                criteria.notEqual(tenant.get("status"), TenantStatus.DELETED));
        return entityManager.createQuery(query).setParameter(wanted, name).setMaxResults(1).getResultStream()
                .findFirst().map(TenantEntity::toDomain);
    }

    /** Oldest first (then by name and id), the order of the in-memory fake; the name search ignores case. */
    @Override
    @Transactional
    public TenantPage search(TenantSearch search) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (!search.includeDeleted()) {
            where.append(" and status <> :deleted");
            parameters.and("deleted", TenantStatus.DELETED);
        }
        if (search.nameContains().isPresent()) {
            where.append(" and lower(name) like :pattern escape '\\'");
            parameters.and("pattern", "%" + likeEscaped(search.nameContains().get().toLowerCase(Locale.ROOT)) + "%");
        }
        long total = TenantEntity.count(where.toString(), parameters);
        var page = TenantEntity.<TenantEntity>find(where + " order by createdAt, name, id", parameters)
                .range(search.offset(), search.offset() + search.limit() - 1)
                .stream()
                .map(TenantEntity::toDomain)
                .toList();
        return new TenantPage(page, Math.max(total, page.size()));
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
