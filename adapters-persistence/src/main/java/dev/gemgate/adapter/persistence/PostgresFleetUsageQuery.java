package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.usage.FleetFigures;
import dev.gemgate.domain.usage.FleetUsageQuery;
import dev.gemgate.domain.usage.TenantSpend;
import dev.gemgate.domain.usage.UsageFigures;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link FleetUsageQuery} by SQL aggregation over {@code audit_events}, through {@link DatabaseGuard}. Counted as
 * {@link PostgresUsageQuery} counts a tenant's usage (request events only; a cache hit is a request and a hit, its
 * tokens not billed), for every tenant at once; an error is any outcome but {@code SUCCESS} and {@code CACHE_HIT}.
 * Latency percentiles are PostgreSQL's {@code percentile_cont} over every request event of the period.
 *
 * <p>Cost: fleet-wide, so no tenant index applies; each statement reads the period's rows once from
 * {@code audit_events_by_time} (a range of the time index and the heap pages it points at, which the append-only
 * table keeps in time order) and sorts their latencies for the percentiles: linear in the period's events, plus
 * n log n for the sort. Fine for the dashboard of a gateway doing millions of requests a month; a busier one wants
 * per-minute rollups (not built).
 */
@ApplicationScoped
public class PostgresFleetUsageQuery implements FleetUsageQuery {
    private static final String TYPES = PostgresUsageQuery.REQUEST_TYPES.stream().map(t -> "'" + t.name() + "'")
            .sorted().collect(Collectors.joining(", "));
    static final String FIGURES = """
            SELECT count(*) AS requests,
                count(*) FILTER (WHERE outcome NOT IN ('SUCCESS', 'CACHE_HIT')) AS errors,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_micros) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_micros) AS p99,
                COALESCE(sum(prompt_tokens) FILTER (WHERE outcome <> 'CACHE_HIT'), 0) AS prompt,
                COALESCE(sum(candidates_tokens) FILTER (WHERE outcome <> 'CACHE_HIT'), 0) AS output,
                COALESCE(sum(thoughts_tokens) FILTER (WHERE outcome <> 'CACHE_HIT'), 0) AS thinking,
                COALESCE(sum(cached_tokens) FILTER (WHERE outcome <> 'CACHE_HIT'), 0) AS cached,
                COALESCE(sum(cost_micros), 0) AS cost, count(*) FILTER (WHERE outcome = 'CACHE_HIT') AS hits,
                COALESCE(sum(saved_micros), 0) AS saved
            FROM audit_events
            WHERE occurred_at >= ? AND occurred_at < ? AND type IN (%s)""".formatted(TYPES);
    static final String TOP_TENANTS = """
            SELECT tenant_id, count(*) AS requests, COALESCE(sum(cost_micros), 0) AS cost
            FROM audit_events
            WHERE occurred_at >= ? AND occurred_at < ? AND type IN (%s) AND tenant_id IS NOT NULL
            GROUP BY tenant_id
            ORDER BY cost DESC, tenant_id
            LIMIT ?""".formatted(TYPES);

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresFleetUsageQuery(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public FleetFigures figures(Instant start, Instant end) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(FIGURES)) {
                statement.setTimestamp(1, Timestamp.from(start));
                statement.setTimestamp(2, Timestamp.from(end));
                try (ResultSet r = statement.executeQuery()) {
                    r.next();
                    UsageFigures usage = new UsageFigures(r.getLong("requests"), r.getLong("prompt"),
                            r.getLong("output"), r.getLong("thinking"), r.getLong("cached"),
                            Money.ofMicros(r.getLong("cost")), r.getLong("hits"), Money.ofMicros(r.getLong("saved")));
                    return new FleetFigures(usage, r.getLong("errors"), micros(r, "p50"), micros(r, "p99"));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("adding up the gateway's usage failed", e);
            }
        });
    }

    @Override
    public List<TenantSpend> topTenantsBySpend(Instant start, Instant end, int limit) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(TOP_TENANTS)) {
                statement.setTimestamp(1, Timestamp.from(start));
                statement.setTimestamp(2, Timestamp.from(end));
                statement.setInt(3, limit);
                List<TenantSpend> top = new ArrayList<>();
                try (ResultSet r = statement.executeQuery()) {
                    while (r.next()) {
                        top.add(new TenantSpend(new TenantId(r.getObject("tenant_id", UUID.class)),
                                r.getLong("requests"), Money.ofMicros(r.getLong("cost"))));
                    }
                }
                return top;
            } catch (SQLException e) {
                throw new IllegalStateException("ranking tenants by spend failed", e);
            }
        });
    }

    /** A percentile in microseconds (interpolated, so rounded to the nearest), empty when there were no rows. */
    private static Optional<Duration> micros(ResultSet r, String column) throws SQLException {
        double value = r.getDouble(column);
        return r.wasNull() ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(value) * 1_000));
    }
}
