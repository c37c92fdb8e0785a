package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicyStore;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link CachePolicyStore} on the {@code cache_policies} table (V21): one row per tenant that has a policy. A save is one
 * upsert; a tenant that does not exist is a {@link NotFoundException}. {@link #loadAll()} leaves out deleted tenants.
 * Each call goes through {@link DatabaseGuard}.
 */
@ApplicationScoped
public class PostgresCachePolicyStore implements CachePolicyStore {
    private static final String UPSERT = "INSERT INTO cache_policies (tenant_id, ttl_millis, cache_nondeterministic, "
            + "updated_at) VALUES (?, ?, ?, now()) ON CONFLICT (tenant_id) DO UPDATE SET ttl_millis = "
            + "excluded.ttl_millis, cache_nondeterministic = excluded.cache_nondeterministic, "
            + "updated_at = excluded.updated_at";
    private static final String REMOVE = "DELETE FROM cache_policies WHERE tenant_id = ?";
    private static final String FIND = "SELECT tenant_id, ttl_millis, cache_nondeterministic FROM cache_policies "
            + "WHERE tenant_id = ?";
    private static final String LOAD_ALL = "SELECT p.tenant_id, p.ttl_millis, p.cache_nondeterministic "
            + "FROM cache_policies p JOIN tenants t ON t.id = p.tenant_id WHERE t.status <> 'DELETED'";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresCachePolicyStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public Optional<CachePolicy> find(TenantId tenant) {
        return guard.call(() -> Optional.ofNullable(query(FIND, tenant.value()).get(tenant)));
    }

    @Override
    public void save(TenantId tenant, CachePolicy policy) {
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(UPSERT)) {
                statement.setObject(1, tenant.value());
                statement.setLong(2, policy.ttl().toMillis());
                statement.setBoolean(3, policy.cacheNonDeterministic());
                statement.executeUpdate();
                return null;
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new NotFoundException("tenant " + tenant + " does not exist");
                }
                throw new IllegalStateException("storing the cache policy of tenant " + tenant + " failed", e);
            }
        });
    }

    @Override
    public boolean remove(TenantId tenant) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(REMOVE)) {
                statement.setObject(1, tenant.value());
                return statement.executeUpdate() > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("removing the cache policy of tenant " + tenant + " failed", e);
            }
        });
    }

    @Override
    public Map<TenantId, CachePolicy> loadAll() {
        return guard.call(() -> query(LOAD_ALL, null));
    }

    private Map<TenantId, CachePolicy> query(String sql, UUID tenant) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (tenant != null) {
                statement.setObject(1, tenant);
            }
            Map<TenantId, CachePolicy> policies = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    policies.put(new TenantId(rows.getObject(1, UUID.class)),
                            new CachePolicy(Duration.ofMillis(rows.getLong(2)), rows.getBoolean(3)));
                }
            }
            return policies;
        } catch (SQLException e) {
            throw new IllegalStateException("reading cache policies failed", e);
        }
    }
}
