package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link BudgetRepository} on the {@code budgets} table (V16). Each call is one statement through {@link DatabaseGuard}
 * (an outage is a 503, never a 500). A save is one {@code INSERT ... ON CONFLICT (id) DO UPDATE} that never moves a
 * budget to another tenant; a tenant or key that does not exist, or a key of another tenant, breaks a foreign key and
 * is an {@link IllegalArgumentException}; a second budget in the same slot breaks {@code budgets_one_per_slot} and is a
 * {@link ConflictException}. {@link #loadAll()} is one {@code SELECT} of every budget of a tenant not deleted.
 */
@ApplicationScoped
public class PostgresBudgetRepository implements BudgetRepository {
    private static final String COLUMNS = "id, tenant_id, api_key_id, end_user, period, zone, limit_micros, "
            + "alert_percents, created_at, updated_at";
    private static final String UPSERT = "INSERT INTO budgets (scope, " + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, api_key_id = excluded.api_key_id, "
            + "end_user = excluded.end_user, period = excluded.period, zone = excluded.zone, "
            + "limit_micros = excluded.limit_micros, alert_percents = excluded.alert_percents, "
            + "updated_at = excluded.updated_at WHERE budgets.tenant_id = excluded.tenant_id";
    private static final String FIND_BY_TENANT = "SELECT " + COLUMNS
            + " FROM budgets WHERE tenant_id = ? ORDER BY created_at, id";
    private static final String FIND = "SELECT " + COLUMNS + " FROM budgets WHERE tenant_id = ? AND id = ?";
    private static final String REMOVE = "DELETE FROM budgets WHERE tenant_id = ? AND id = ?";
    private static final String LOAD_ALL = "SELECT " + COLUMNS.replaceAll("(^|, )", "$1b.")
            + " FROM budgets b JOIN tenants t ON t.id = b.tenant_id WHERE t.status <> 'DELETED'";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresBudgetRepository(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public List<StoredBudget> findByTenant(TenantId tenant) {
        return guard.call(() -> query(FIND_BY_TENANT, tenant.value(), null));
    }

    @Override
    public Optional<StoredBudget> find(TenantId tenant, BudgetId id) {
        return guard.call(() -> query(FIND, tenant.value(), id.value()).stream().findFirst());
    }

    @Override
    public void save(StoredBudget stored) {
        guard.call(() -> upsert(stored));
    }

    @Override
    public boolean remove(TenantId tenant, BudgetId id) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(REMOVE)) {
                statement.setObject(1, tenant.value());
                statement.setObject(2, id.value());
                return statement.executeUpdate() > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("removing budget " + id + " failed", e);
            }
        });
    }

    @Override
    public List<StoredBudget> loadAll() {
        return guard.call(() -> query(LOAD_ALL, null, null));
    }

    private boolean upsert(StoredBudget stored) {
        Budget budget = stored.budget();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            statement.setString(1, budget.scope().name());
            statement.setObject(2, stored.id().value());
            statement.setObject(3, budget.tenant().value());
            statement.setObject(4, budget.apiKey().map(ApiKeyId::value).orElse(null), Types.OTHER);
            statement.setString(5, budget.endUser().orElse(null));
            statement.setString(6, budget.period().name());
            statement.setString(7, budget.zone().getId());
            statement.setLong(8, budget.limit().micros());
            statement.setArray(9, connection.createArrayOf("integer", budget.alertPercents().toArray()));
            statement.setTimestamp(10, Timestamp.from(Timestamps.toDatabase(stored.createdAt())));
            statement.setTimestamp(11, Timestamp.from(Timestamps.toDatabase(stored.updatedAt())));
            if (statement.executeUpdate() == 0) {
                throw new IllegalArgumentException("budget " + stored.id() + " belongs to another tenant");
            }
            return true;
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw new IllegalArgumentException(budget.apiKey().isEmpty() ? "tenant " + budget.tenant()
                        + " does not exist" : "api key " + budget.apiKey().get() + " does not exist for tenant "
                        + budget.tenant(), e);
            }
            if ("23505".equals(e.getSQLState())) {
                throw new ConflictException("The tenant already has a " + budget.name() + ".");
            }
            throw new IllegalStateException("storing budget " + stored.id() + " failed", e);
        }
    }

    private List<StoredBudget> query(String sql, UUID tenant, UUID id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (tenant != null) {
                statement.setObject(1, tenant);
            }
            if (id != null) {
                statement.setObject(2, id);
            }
            List<StoredBudget> budgets = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    budgets.add(budget(rows));
                }
            }
            return budgets;
        } catch (SQLException e) {
            throw new IllegalStateException("reading budgets failed", e);
        }
    }

    /** Columns in {@link #COLUMNS} order. */
    private static StoredBudget budget(ResultSet row) throws SQLException {
        Array percents = row.getArray(8);
        List<Integer> alerts = Arrays.stream((Integer[]) percents.getArray()).toList();
        Budget budget = new Budget(new TenantId(row.getObject(2, UUID.class)),
                Optional.ofNullable(row.getObject(3, UUID.class)).map(ApiKeyId::new),
                Optional.ofNullable(row.getString(4)), BudgetPeriod.valueOf(row.getString(5)),
                ZoneId.of(row.getString(6)), Money.ofMicros(row.getLong(7)), alerts);
        return new StoredBudget(new BudgetId(row.getObject(1, UUID.class)), budget,
                row.getTimestamp(9).toInstant(), row.getTimestamp(10).toInstant());
    }
}
