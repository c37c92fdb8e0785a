package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.alert.AlertDelivery;
import dev.gemgate.domain.alert.AlertDeliveryStore;
import dev.gemgate.domain.alert.AttemptResult;
import dev.gemgate.domain.alert.DeliveryPage;
import dev.gemgate.domain.alert.DeliverySearch;
import dev.gemgate.domain.alert.DeliveryStatus;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * {@link AlertDeliveryStore} on {@code alert_deliveries} (V17), plain JDBC through {@link DatabaseGuard}, one statement
 * per call. A claim is one {@code UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED)}: rows another transaction is
 * claiming are skipped rather than waited for, and the claimed rows leave the due set (their next attempt moves to the
 * end of the lease) before the lock is released, so no concurrent or later claim takes them until the lease is over.
 * No lock is held while a webhook is called. Recording an attempt is an {@code UPDATE} conditioned on that attempt
 * still being the row's current one. Time is the caller's {@code now}; the database's clock is never read.
 */
@ApplicationScoped
public class PostgresAlertDeliveryStore implements AlertDeliveryStore {
    private static final String COLUMNS = "id, tenant_id, payload, status, attempts, next_attempt_at, "
            + "last_status_code, last_error, created_at, delivered_at";

    private static final String INSERT = "INSERT INTO alert_deliveries (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

    private static final String CLAIM = "UPDATE alert_deliveries d SET attempts = d.attempts + 1, next_attempt_at = ? "
            + "FROM (SELECT id FROM alert_deliveries WHERE status = 'PENDING' AND next_attempt_at <= ? "
            + "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) due WHERE d.id = due.id RETURNING "
            + COLUMNS.replaceAll("(^|, )", "$1d.");

    private static final String RECORD = "UPDATE alert_deliveries SET status = ?, next_attempt_at = ?, "
            + "last_status_code = ?, last_error = ?, delivered_at = ? "
            + "WHERE id = ? AND attempts = ? AND status = 'PENDING'";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresAlertDeliveryStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public void add(AlertDelivery d) {
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(INSERT)) {
                statement.setObject(1, d.id());
                statement.setObject(2, d.tenant().value());
                statement.setString(3, d.payload());
                statement.setString(4, d.status().name());
                statement.setInt(5, d.attempts());
                statement.setObject(6, d.nextAttemptAt().map(PostgresAlertDeliveryStore::at).orElse(null),
                        Types.TIMESTAMP_WITH_TIMEZONE);
                bindStatus(statement, 7, d.lastStatusCode());
                statement.setString(8, d.lastError().orElse(null));
                statement.setObject(9, at(d.createdAt()));
                statement.setObject(10, d.deliveredAt().map(PostgresAlertDeliveryStore::at).orElse(null),
                        Types.TIMESTAMP_WITH_TIMEZONE);
                statement.executeUpdate();
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("recording the delivery of alert " + d.id() + " failed", e);
            }
        });
    }

    @Override
    public List<AlertDelivery> claimDue(Instant now, int max, Duration lease) {
        if (max < 1 || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("claim at least one delivery for a positive lease");
        }
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(CLAIM)) {
                statement.setObject(1, at(now.plus(lease)));
                statement.setObject(2, at(now));
                statement.setInt(3, max);
                List<AlertDelivery> claimed = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        claimed.add(delivery(rows));
                    }
                }
                return claimed;
            } catch (SQLException e) {
                throw new IllegalStateException("claiming due alert deliveries failed", e);
            }
        });
    }

    @Override
    public boolean record(UUID id, int attempt, AttemptResult result) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(RECORD)) {
                statement.setString(1, result.status().name());
                statement.setObject(2, result.nextAttemptAt().map(PostgresAlertDeliveryStore::at).orElse(null),
                        Types.TIMESTAMP_WITH_TIMEZONE);
                bindStatus(statement, 3, result.statusCode());
                statement.setString(4, result.error()
                        .map(e -> e.length() <= AlertDelivery.MAX_ERROR ? e : e.substring(0, AlertDelivery.MAX_ERROR))
                        .orElse(null));
                statement.setObject(5, result.status() == DeliveryStatus.DELIVERED ? at(result.at()) : null,
                        Types.TIMESTAMP_WITH_TIMEZONE);
                statement.setObject(6, id);
                statement.setInt(7, attempt);
                return statement.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new IllegalStateException("recording attempt " + attempt + " of alert " + id + " failed", e);
            }
        });
    }

    @Override
    public DeliveryPage search(DeliverySearch search) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM alert_deliveries WHERE true");
        search.tenant().ifPresent(t -> sql.append(" AND tenant_id = ?"));
        search.status().ifPresent(s -> sql.append(" AND status = ?"));
        search.after().ifPresent(p -> sql.append(" AND (created_at, id) < (?, ?)"));
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                int i = 1;
                if (search.tenant().isPresent()) {
                    statement.setObject(i++, search.tenant().get().value());
                }
                if (search.status().isPresent()) {
                    statement.setString(i++, search.status().get().name());
                }
                if (search.after().isPresent()) {
                    statement.setObject(i++, at(search.after().get().createdAt()));
                    statement.setObject(i++, search.after().get().id());
                }
                statement.setInt(i, search.limit() + 1);
                List<AlertDelivery> found = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(delivery(rows));
                    }
                }
                if (found.size() <= search.limit()) {
                    return new DeliveryPage(found, Optional.empty());
                }
                List<AlertDelivery> page = found.subList(0, search.limit());
                AlertDelivery last = page.getLast();
                return new DeliveryPage(page, Optional.of(new DeliverySearch.Position(last.createdAt(), last.id())));
            } catch (SQLException e) {
                throw new IllegalStateException("listing alert deliveries failed", e);
            }
        });
    }

    private static AlertDelivery delivery(ResultSet row) throws SQLException {
        int status = row.getInt(7);
        OptionalInt statusCode = row.wasNull() ? OptionalInt.empty() : OptionalInt.of(status);
        return new AlertDelivery(row.getObject(1, UUID.class), new TenantId(row.getObject(2, UUID.class)),
                row.getString(3), DeliveryStatus.valueOf(row.getString(4)), row.getInt(5), instant(row, 6),
                statusCode, Optional.ofNullable(row.getString(8)), instant(row, 9).orElseThrow(), instant(row, 10));
    }

    private static Optional<Instant> instant(ResultSet row, int column) throws SQLException {
        return Optional.ofNullable(row.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    private static void bindStatus(PreparedStatement statement, int index, OptionalInt status) throws SQLException {
        if (status.isPresent()) {
            statement.setInt(index, status.getAsInt());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(Timestamps.toDatabase(instant), ZoneOffset.UTC);
    }
}
