package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.ParameterExpression;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/**
 * {@link ApiKeyRepository} on the {@code api_keys} table. {@link #findByHash} is the authentication lookup: one
 * indexed read on the unique {@code hash} column.
 */
@ApplicationScoped
public class PostgresApiKeyRepository implements ApiKeyRepository {
    static final String HASH_UNIQUE = "api_keys_hash_unique";

    /**
     * Inserts or updates by id (revocation and grace periods are saves of the changed key). The tenant must exist.
     * A hash already stored for another key is refused: two keys must never authenticate as each other.
     */
    @Override
    @Transactional
    public void save(ApiKey key) {
        ApiKeyEntity row = ApiKeyEntity.findById(key.id().value());
        boolean isNew = row == null;
        if (isNew) {
            row = new ApiKeyEntity();
        }
        row.copyFrom(key);
        try {
            if (isNew) {
                row.persist();
            }
            ApiKeyEntity.flush();
        } catch (PersistenceException e) {
            if (ConstraintViolations.isViolationOf(e, HASH_UNIQUE)) {
                throw new IllegalStateException("another api key already has this hash (key " + key.id() + ")");
            }
            throw e;
        }
    }

    /**
     * A criteria query, not HQL ({@link PostgresTenantRepository#findByName} says why): this is the first query of a
     * tenant's first request after a start.
     */
    @Override
    @Transactional
    public Optional<ApiKey> findByHash(String hash) {
        EntityManager entityManager = ApiKeyEntity.getEntityManager();
        CriteriaBuilder criteria = entityManager.getCriteriaBuilder();
        CriteriaQuery<ApiKeyEntity> query = criteria.createQuery(ApiKeyEntity.class);
        ParameterExpression<String> wanted = criteria.parameter(String.class);
        query.where(criteria.equal(query.from(ApiKeyEntity.class).get("hash"), wanted));
        return entityManager.createQuery(query).setParameter(wanted, hash).getResultStream().findFirst()
                .map(ApiKeyEntity::toDomain);
    }

    @Override
    @Transactional
    public Optional<ApiKey> findById(ApiKeyId id) {
        return ApiKeyEntity.<ApiKeyEntity>findByIdOptional(id.value()).map(ApiKeyEntity::toDomain);
    }

    /** Oldest first. */
    @Override
    @Transactional
    public List<ApiKey> findByTenant(TenantId tenantId) {
        return ApiKeyEntity.<ApiKeyEntity>find("tenantId = ?1 order by createdAt, id", tenantId.value())
                .stream()
                .map(ApiKeyEntity::toDomain)
                .toList();
    }
}
