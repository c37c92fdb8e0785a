package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditFilter;
import dev.gemgate.domain.audit.AuditPosition;
import dev.gemgate.domain.audit.AuditSearch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link AuditSearch} on {@code audit_events}: one statement per page through {@link DatabaseGuard} (an outage is a
 * 503), ordered by {@code occurred_at DESC, id DESC} with a row-value keyset ({@code (occurred_at, id) < (?, ?)}), so
 * that a page costs the same wherever it is in the log. Which index serves it: a tenant's events walk
 * {@code audit_events_usage} (tenant, time) backwards, an admin's {@code audit_events_admin_by_actor} (V22), anything
 * else {@code audit_events_by_time}; ties on the same microsecond are ordered by an incremental sort. A filter on a
 * rare type alone walks the time index until it fills a page, so it is bounded by the time range it is given.
 */
@ApplicationScoped
public class PostgresAuditSearch implements AuditSearch {
    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresAuditSearch(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public List<AuditEvent> page(AuditFilter filter, Optional<AuditPosition> after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("a page has 1 to " + MAX_PAGE + " events");
        }
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(sql(filter, after.isPresent()))) {
                int i = 1;
                if (filter.tenant().isPresent()) {
                    statement.setObject(i++, filter.tenant().get().value());
                }
                if (filter.actor().isPresent()) {
                    statement.setString(i++, filter.actor().get());
                }
                if (filter.type().isPresent()) {
                    statement.setString(i++, filter.type().get().name());
                }
                if (filter.from().isPresent()) {
                    statement.setTimestamp(i++, Timestamp.from(filter.from().get()));
                }
                if (filter.to().isPresent()) {
                    statement.setTimestamp(i++, Timestamp.from(filter.to().get()));
                }
                if (after.isPresent()) {
                    statement.setTimestamp(i++, Timestamp.from(after.get().occurredAt()));
                    statement.setObject(i++, after.get().id());
                }
                statement.setInt(i, limit);
                List<AuditEvent> events = new ArrayList<>(Math.min(limit, 64));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        events.add(PostgresAuditLog.read(rows));
                    }
                }
                return events;
            } catch (SQLException e) {
                throw new IllegalStateException("reading the audit log failed", e);
            }
        });
    }

    static String sql(AuditFilter filter, boolean after) {
        StringBuilder sql = new StringBuilder("SELECT ").append(PostgresAuditLog.COLUMNS)
                .append(" FROM audit_events WHERE TRUE");
        filter.tenant().ifPresent(t -> sql.append(" AND tenant_id = ?"));
        filter.actor().ifPresent(a -> sql.append(" AND actor = ? AND actor_name IS NOT NULL"));
        filter.type().ifPresent(t -> sql.append(" AND type = ?"));
        filter.from().ifPresent(f -> sql.append(" AND occurred_at >= ?"));
        filter.to().ifPresent(t -> sql.append(" AND occurred_at < ?"));
        if (after) {
            sql.append(" AND (occurred_at, id) < (?, ?)");
        }
        return sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?").toString();
    }
}
