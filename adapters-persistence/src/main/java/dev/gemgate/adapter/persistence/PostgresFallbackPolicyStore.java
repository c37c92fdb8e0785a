package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link FallbackPolicyStore} on the {@code fallback_policies} and {@code fallback_chains} tables (V20): one row per
 * tenant that has a policy, one per model its policy names. A save replaces the policy and all its chains in one
 * transaction (so a reload never sees half of it); a tenant that does not exist is a {@link NotFoundException}. A remove
 * is one statement (the chains cascade). {@link #loadAll()} leaves out deleted tenants. Each call goes through
 * {@link DatabaseGuard}.
 */
@ApplicationScoped
public class PostgresFallbackPolicyStore implements FallbackPolicyStore {
    private static final String UPSERT = "INSERT INTO fallback_policies (tenant_id, strict, updated_at) "
            + "VALUES (?, ?, now()) ON CONFLICT (tenant_id) DO UPDATE SET strict = excluded.strict, "
            + "updated_at = excluded.updated_at";
    private static final String DELETE_CHAINS = "DELETE FROM fallback_chains WHERE tenant_id = ?";
    private static final String INSERT_CHAIN = "INSERT INTO fallback_chains (tenant_id, model, fallbacks) "
            + "VALUES (?, ?, ?)";
    private static final String REMOVE = "DELETE FROM fallback_policies WHERE tenant_id = ?";
    private static final String SELECT = "SELECT p.tenant_id, p.strict, c.model, c.fallbacks FROM fallback_policies p "
            + "LEFT JOIN fallback_chains c ON c.tenant_id = p.tenant_id ";
    private static final String FIND = SELECT + "WHERE p.tenant_id = ? ORDER BY c.model";
    private static final String LOAD_ALL = SELECT + "JOIN tenants t ON t.id = p.tenant_id "
            + "WHERE t.status <> 'DELETED' ORDER BY p.tenant_id, c.model";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresFallbackPolicyStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public Optional<FallbackPolicy> find(TenantId tenant) {
        return guard.call(() -> Optional.ofNullable(query(FIND, tenant.value()).get(tenant)));
    }

    @Override
    public void save(TenantId tenant, FallbackPolicy policy) {
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    save(connection, tenant, policy);
                    connection.commit();
                    return null;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new NotFoundException("tenant " + tenant + " does not exist");
                }
                throw new IllegalStateException("storing the fallback policy of tenant " + tenant + " failed", e);
            }
        });
    }

    private static void save(Connection connection, TenantId tenant, FallbackPolicy policy) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            upsert.setObject(1, tenant.value());
            upsert.setBoolean(2, policy.strict());
            upsert.executeUpdate();
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE_CHAINS)) {
            delete.setObject(1, tenant.value());
            delete.executeUpdate();
        }
        if (policy.chains().isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_CHAIN)) {
            for (Map.Entry<ModelId, List<ModelId>> chain : policy.chains().entrySet()) {
                insert.setObject(1, tenant.value());
                insert.setString(2, chain.getKey().value());
                insert.setArray(3, connection.createArrayOf("varchar",
                        chain.getValue().stream().map(ModelId::value).toArray(String[]::new)));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public boolean remove(TenantId tenant) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(REMOVE)) {
                statement.setObject(1, tenant.value());
                return statement.executeUpdate() > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("removing the fallback policy of tenant " + tenant + " failed", e);
            }
        });
    }

    @Override
    public Map<TenantId, FallbackPolicy> loadAll() {
        return guard.call(() -> query(LOAD_ALL, null));
    }

    private Map<TenantId, FallbackPolicy> query(String sql, UUID tenant) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (tenant != null) {
                statement.setObject(1, tenant);
            }
            Map<TenantId, Boolean> strict = new HashMap<>();
            Map<TenantId, Map<ModelId, List<ModelId>>> chains = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    TenantId id = new TenantId(rows.getObject(1, UUID.class));
                    strict.put(id, rows.getBoolean(2));
                    Map<ModelId, List<ModelId>> own = chains.computeIfAbsent(id, t -> new LinkedHashMap<>());
                    String model = rows.getString(3);
                    if (model != null) {
                        own.put(new ModelId(model), models(rows.getArray(4)));
                    }
                }
            }
            Map<TenantId, FallbackPolicy> policies = new HashMap<>();
            strict.forEach((id, isStrict) -> policies.put(id, new FallbackPolicy(isStrict, chains.get(id))));
            return policies;
        } catch (SQLException e) {
            throw new IllegalStateException("reading fallback policies failed", e);
        }
    }

    private static List<ModelId> models(Array array) throws SQLException {
        List<ModelId> models = new ArrayList<>();
        for (String name : Arrays.asList((String[]) array.getArray())) {
            models.add(new ModelId(name));
        }
        return models;
    }
}
