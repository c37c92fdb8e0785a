package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.ApiKeyId;
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
 * {@link RateLimitOverrideStore} on the {@code rate_limit_overrides} table (V10): one row per tenant override
 * ({@code api_key_id} NULL) and per key override, NULL columns inheriting the defaults. Each call is one statement
 * through {@link DatabaseGuard} (an outage is a 503, never a 500). A save is one
 * {@code INSERT ... ON CONFLICT (tenant_id, api_key_id) DO UPDATE} (the unique constraint treats NULLs as equal,
 * so a tenant has one row); a tenant or key that does not exist, or a key of another tenant, breaks a foreign key and is an
 * {@link IllegalArgumentException}. {@link #loadAll()} is one {@code SELECT} of every row of a tenant not deleted.
 */
@ApplicationScoped
public class PostgresRateLimitOverrideStore implements RateLimitOverrideStore {
    private static final String COLUMNS = "tenant_id, api_key_id, requests_per_minute, tokens_per_minute, "
            + "requests_per_day, concurrent_requests, model_requests_per_minute, model_tokens_per_minute, "
            + "model_requests_per_day, model_concurrent_requests, priority";

    static final String UPSERT = "INSERT INTO rate_limit_overrides (scope, " + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (tenant_id, api_key_id) DO UPDATE SET "
            + "requests_per_minute = excluded.requests_per_minute, tokens_per_minute = excluded.tokens_per_minute, "
            + "requests_per_day = excluded.requests_per_day, concurrent_requests = excluded.concurrent_requests, "
            + "model_requests_per_minute = excluded.model_requests_per_minute, "
            + "model_tokens_per_minute = excluded.model_tokens_per_minute, "
            + "model_requests_per_day = excluded.model_requests_per_day, "
            + "model_concurrent_requests = excluded.model_concurrent_requests, priority = excluded.priority";

    private static final String FIND_TENANT = "SELECT " + COLUMNS
            + " FROM rate_limit_overrides WHERE tenant_id = ? AND api_key_id IS NULL";
    private static final String FIND_KEY = "SELECT " + COLUMNS + " FROM rate_limit_overrides WHERE api_key_id = ?";
    private static final String CLEAR_TENANT =
            "DELETE FROM rate_limit_overrides WHERE tenant_id = ? AND api_key_id IS NULL";
    private static final String CLEAR_KEY = "DELETE FROM rate_limit_overrides WHERE api_key_id = ?";
    private static final String LOAD_ALL = "SELECT " + COLUMNS.replaceAll("(^|, )", "$1o.")
            + " FROM rate_limit_overrides o JOIN tenants t ON t.id = o.tenant_id WHERE t.status <> 'DELETED'";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresRateLimitOverrideStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public Optional<TenantRateLimitOverride> findTenant(TenantId tenant) {
        return guard.call(() -> query(FIND_TENANT, tenant.value(), row -> tenantOverride(row)));
    }

    @Override
    public Optional<ApiKeyRateLimitOverride> findApiKey(ApiKeyId key) {
        return guard.call(() -> query(FIND_KEY, key.value(), row -> keyOverride(row)));
    }

    @Override
    public void save(TenantRateLimitOverride override) {
        if (override.isEmpty()) {
            throw new IllegalArgumentException("an empty override is not stored: clear it instead");
        }
        guard.call(() -> upsert("TENANT", override.tenant().value(), null, override.tenantLimits(),
                override.tenantModelLimits(), override.priority().map(Enum::name).orElse(null)));
    }

    @Override
    public void save(ApiKeyRateLimitOverride override) {
        if (override.isEmpty()) {
            throw new IllegalArgumentException("an empty override is not stored: clear it instead");
        }
        guard.call(() -> upsert("API_KEY", override.tenant().value(), override.key().value(), override.limits(),
                LimitOverrides.NONE, null));
    }

    @Override
    public boolean clearTenant(TenantId tenant) {
        return guard.call(() -> delete(CLEAR_TENANT, tenant.value()));
    }

    @Override
    public boolean clearApiKey(ApiKeyId key) {
        return guard.call(() -> delete(CLEAR_KEY, key.value()));
    }

    @Override
    public All loadAll() {
        return guard.call(() -> {
            Map<TenantId, TenantRateLimitOverride> tenants = new HashMap<>();
            Map<ApiKeyId, ApiKeyRateLimitOverride> keys = new HashMap<>();
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(LOAD_ALL);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getObject(2) == null) {
                        TenantRateLimitOverride override = tenantOverride(rows);
                        tenants.put(override.tenant(), override);
                    } else {
                        ApiKeyRateLimitOverride override = keyOverride(rows);
                        keys.put(override.key(), override);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("loading the rate-limit overrides failed", e);
            }
            return new All(tenants, keys);
        });
    }

    private boolean upsert(String scope, UUID tenant, UUID key, LimitOverrides own, LimitOverrides model,
                           String priority) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            statement.setString(1, scope);
            statement.setObject(2, tenant);
            statement.setObject(3, key, Types.OTHER);
            bind(statement, 4, own);
            bind(statement, 8, model);
            statement.setString(12, priority);
            statement.executeUpdate();
            return true;
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw new IllegalArgumentException(key == null ? "tenant " + tenant + " does not exist"
                        : "api key " + key + " does not exist for tenant " + tenant, e);
            }
            throw new IllegalStateException("storing the rate-limit override of " + (key == null ? "tenant "
                    + tenant : "api key " + key) + " failed", e);
        }
    }

    private boolean delete(String sql, UUID id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, id);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("clearing a rate-limit override failed", e);
        }
    }

    private <T> Optional<T> query(String sql, UUID id, RowReader<T> reader) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading a rate-limit override failed", e);
        }
    }

    private static void bind(PreparedStatement statement, int first, LimitOverrides limits) throws SQLException {
        bind(statement, first, limits.requestsPerMinute());
        bind(statement, first + 1, limits.tokensPerMinute());
        bind(statement, first + 2, limits.requestsPerDay());
        bind(statement, first + 3, limits.concurrentRequests());
    }

    private static void bind(PreparedStatement statement, int index, OptionalLong value) throws SQLException {
        if (value.isPresent()) {
            statement.setLong(index, value.getAsLong());
        } else {
            statement.setNull(index, Types.BIGINT);
        }
    }

    /** Columns in {@link #COLUMNS} order: 1 tenant, 2 key, 3-6 own limits, 7-10 per-model limits, 11 priority. */
    private static TenantRateLimitOverride tenantOverride(ResultSet row) throws SQLException {
        String priority = row.getString(11);
        return new TenantRateLimitOverride(new TenantId(row.getObject(1, UUID.class)), limits(row, 3),
                limits(row, 7), Optional.ofNullable(priority).map(PriorityClass::valueOf));
    }

    private static ApiKeyRateLimitOverride keyOverride(ResultSet row) throws SQLException {
        return new ApiKeyRateLimitOverride(new TenantId(row.getObject(1, UUID.class)),
                new ApiKeyId(row.getObject(2, UUID.class)), limits(row, 3));
    }

    private static LimitOverrides limits(ResultSet row, int first) throws SQLException {
        return new LimitOverrides(value(row, first), value(row, first + 1), value(row, first + 2),
                value(row, first + 3));
    }

    private static OptionalLong value(ResultSet row, int index) throws SQLException {
        long value = row.getLong(index);
        return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }
}
