package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.usage.UsageFigures;
import dev.gemgate.domain.usage.UsageGrouping;
import dev.gemgate.domain.usage.UsageQuery;
import dev.gemgate.domain.usage.UsageReport;
import dev.gemgate.domain.usage.UsageSelection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link UsageQuery} by SQL aggregation over {@code audit_events}: one statement through {@link DatabaseGuard} (an
 * outage is a 503), one range scan of the tenant's events on {@code audit_events_usage} (V18), which holds every column
 * the sums read (V21 added the outcome and the money saved by response-cache hits), so that a month of a busy tenant
 * is read from the index alone. A response-cache hit (outcome CACHE_HIT) counts as a request and a hit; its tokens
 * were not billed and are left out of the token sums.
 *
 * <p>{@code GROUPING SETS ((grp), ())} returns the groups and the total of the whole range in one pass; the total row
 * sorts first so the group limit never cuts it. Days are buckets between day bounds computed in Java by the zone's
 * own rules ({@code width_bucket} over a {@code timestamptz[]}), so PostgreSQL's time-zone names and its POSIX reading
 * of offsets ({@code '+02:00'} is two hours <em>west</em> there) play no part, and a daylight-saving day is 23 or 25
 * hours long as it should be.
 */
@ApplicationScoped
public class PostgresUsageQuery implements UsageQuery {
    /**
     * The request path's events: what a tenant's calls did and cost. Admin actions and refused logins are not usage. A
     * batch job counts once, when it is settled (BATCH_SETTLED: its results' tokens and its cost at the batch price). A
     * context cache counts at its creation (its tokens, at the input rate) and at each charge of its storage
     * (CACHE_STORAGE_CHARGED: no tokens, the cost of the hours charged), so that its money is in the reports.
     */
    static final Set<AuditEventType> REQUEST_TYPES = EnumSet.of(AuditEventType.GENERATE_CONTENT,
            AuditEventType.STREAM_GENERATE_CONTENT, AuditEventType.COUNT_TOKENS, AuditEventType.LIST_MODELS,
            AuditEventType.EMBED_CONTENT, AuditEventType.BATCH_SETTLED, AuditEventType.CREATE_CACHED_CONTENT,
            AuditEventType.CACHE_STORAGE_CHARGED);
    private static final String TYPES = REQUEST_TYPES.stream().map(t -> "'" + t.name() + "'")
            .collect(Collectors.joining(", "));

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresUsageQuery(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public UsageReport aggregate(UsageSelection selection) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(sql(selection.groupBy()))) {
                int i = 1;
                if (selection.groupBy() == UsageGrouping.DAY) {
                    statement.setArray(i++, bounds(connection, selection.dayBounds()));
                }
                statement.setObject(i++, selection.tenant().value());
                statement.setTimestamp(i++, Timestamp.from(selection.start()));
                statement.setTimestamp(i++, Timestamp.from(selection.end()));
                statement.setInt(i, selection.maxGroups() + 2); // the total, the groups, one more to see a cut
                UsageFigures total = UsageFigures.NONE;
                List<UsageReport.Row> rows = new ArrayList<>();
                boolean truncated = false;
                try (ResultSet r = statement.executeQuery()) {
                    while (r.next()) {
                        UsageFigures figures = new UsageFigures(r.getLong("requests"), r.getLong("prompt"),
                                r.getLong("output"), r.getLong("thinking"), r.getLong("cached"),
                                Money.ofMicros(r.getLong("cost")), r.getLong("hits"),
                                Money.ofMicros(r.getLong("saved")));
                        if (r.getInt("is_total") == 1) {
                            total = figures;
                        } else if (rows.size() == selection.maxGroups()) {
                            truncated = true;
                        } else {
                            rows.add(new UsageReport.Row(group(selection, r), figures));
                        }
                    }
                }
                return new UsageReport(selection, total, rows, truncated);
            } catch (SQLException e) {
                throw new IllegalStateException("adding up usage failed", e);
            }
        });
    }

    static String sql(UsageGrouping grouping) {
        String group = switch (grouping) {
            case DAY -> "width_bucket(occurred_at, ?::timestamptz[])";
            case MODEL -> "model";
            case API_KEY -> "api_key_id::text";
            case END_USER -> "end_user";
        };
        String order = grouping == UsageGrouping.DAY ? "grp" : "cost DESC, grp NULLS LAST";
        return """
                SELECT GROUPING(grp) AS is_total, grp, count(*) AS requests,
                    COALESCE(sum(prompt_tokens) FILTER (WHERE NOT hit), 0) AS prompt,
                    COALESCE(sum(candidates_tokens) FILTER (WHERE NOT hit), 0) AS output,
                    COALESCE(sum(thoughts_tokens) FILTER (WHERE NOT hit), 0) AS thinking,
                    COALESCE(sum(cached_tokens) FILTER (WHERE NOT hit), 0) AS cached,
                    COALESCE(sum(cost_micros), 0) AS cost, count(*) FILTER (WHERE hit) AS hits,
                    COALESCE(sum(saved_micros), 0) AS saved
                FROM (SELECT %s AS grp, prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens, cost_micros,
                          outcome = 'CACHE_HIT' AS hit, saved_micros
                      FROM audit_events
                      WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at < ? AND type IN (%s)) e
                GROUP BY GROUPING SETS ((grp), ())
                ORDER BY is_total DESC, %s
                LIMIT ?""".formatted(group, TYPES, order);
    }

    private static Array bounds(Connection connection, List<Instant> bounds) throws SQLException {
        return connection.createArrayOf("timestamptz", bounds.stream().map(Timestamp::from).toArray());
    }

    /** The group's name: a day bucket is the day it starts ({@code 1} is {@code from}). */
    private static Optional<String> group(UsageSelection selection, ResultSet r) throws SQLException {
        if (selection.groupBy() == UsageGrouping.DAY) {
            return Optional.of(selection.from().plusDays(r.getInt("grp") - 1L).toString());
        }
        return Optional.ofNullable(r.getString("grp"));
    }
}
