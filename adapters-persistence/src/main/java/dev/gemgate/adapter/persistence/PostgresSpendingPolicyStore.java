package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicyStore;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * {@link SpendingPolicyStore} on the {@code spending_policies} table (V16): one row per tenant that has a policy. Each
 * call is one statement through {@link DatabaseGuard}; a save is one {@code INSERT ... ON CONFLICT DO UPDATE}, a tenant
 * that does not exist an {@link IllegalArgumentException}. {@link #loadAll()} leaves out deleted tenants.
 */
@ApplicationScoped
public class PostgresSpendingPolicyStore implements SpendingPolicyStore {
    private static final String UPSERT = "INSERT INTO spending_policies (tenant_id, forwarded_output_cap, "
            + "refuse_unmeasured_media, updated_at) VALUES (?, ?, ?, now()) ON CONFLICT (tenant_id) DO UPDATE SET "
            + "forwarded_output_cap = excluded.forwarded_output_cap, "
            + "refuse_unmeasured_media = excluded.refuse_unmeasured_media, updated_at = excluded.updated_at";
    private static final String FIND = "SELECT tenant_id, forwarded_output_cap, refuse_unmeasured_media "
            + "FROM spending_policies WHERE tenant_id = ?";
    private static final String LOAD_ALL = "SELECT p.tenant_id, p.forwarded_output_cap, p.refuse_unmeasured_media "
            + "FROM spending_policies p JOIN tenants t ON t.id = p.tenant_id WHERE t.status <> 'DELETED'";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresSpendingPolicyStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public Optional<SpendingPolicy> find(TenantId tenant) {
        return guard.call(() -> {
            Map<TenantId, SpendingPolicy> found = query(FIND, tenant.value());
            return Optional.ofNullable(found.get(tenant));
        });
    }

    @Override
    public void save(TenantId tenant, SpendingPolicy policy) {
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(UPSERT)) {
                statement.setObject(1, tenant.value());
                if (policy.forwardedOutputCap().isPresent()) {
                    statement.setLong(2, policy.forwardedOutputCap().getAsLong());
                } else {
                    statement.setNull(2, Types.BIGINT);
                }
                statement.setBoolean(3, policy.refuseUnmeasuredMedia());
                return statement.executeUpdate();
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new IllegalArgumentException("tenant " + tenant + " does not exist", e);
                }
                throw new IllegalStateException("storing the spending policy of tenant " + tenant + " failed", e);
            }
        });
    }

    @Override
    public Map<TenantId, SpendingPolicy> loadAll() {
        return guard.call(() -> query(LOAD_ALL, null));
    }

    private Map<TenantId, SpendingPolicy> query(String sql, UUID tenant) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (tenant != null) {
                statement.setObject(1, tenant);
            }
            Map<TenantId, SpendingPolicy> policies = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long cap = rows.getLong(2);
                    OptionalLong forwardedOutputCap = rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(cap);
                    policies.put(new TenantId(rows.getObject(1, UUID.class)),
                            new SpendingPolicy(forwardedOutputCap, rows.getBoolean(3)));
                }
            }
            return policies;
        } catch (SQLException e) {
            throw new IllegalStateException("reading spending policies failed", e);
        }
    }
}
