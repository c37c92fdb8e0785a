package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.CacheStorage;
import dev.gemgate.domain.resource.CacheStorageMarks;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link CacheStorageMarks} on {@code tenant_resources.storage_billed_through} (V26). {@link #advance} is one
 * statement: it locks the cache's row, reads the mark, and moves it, so of two replicas claiming the same stretch the
 * second waits for the first and then finds the mark already moved (READ COMMITTED re-reads the locked row): it gets
 * nothing. Time is the caller's; the database's clock is never read.
 */
@ApplicationScoped
public class PostgresCacheStorageMarks implements CacheStorageMarks {
    private static final String ADVANCE = """
            WITH old AS (
                SELECT id, COALESCE(storage_billed_through, created_at) AS prev,
                       LEAST(?::timestamptz, deleted_at, expire_time) AS upto
                FROM tenant_resources WHERE id = ? AND kind = 'CACHED_CONTENT' FOR UPDATE)
            UPDATE tenant_resources t SET storage_billed_through = old.upto,
                deleted_at = CASE WHEN t.deleted_at IS NULL AND t.expire_time <= ?::timestamptz
                    THEN GREATEST(t.created_at, t.expire_time) ELSE t.deleted_at END,
                updated_at = CASE WHEN t.deleted_at IS NULL AND t.expire_time <= ?::timestamptz
                    THEN GREATEST(t.updated_at, t.expire_time) ELSE t.updated_at END
            FROM old WHERE t.id = old.id AND old.prev < old.upto
            RETURNING old.prev, old.upto""";
    private static final String DUE = """
            SELECT id, upstream_name, tenant_id, api_key_id, model, token_count, created_at,
                   COALESCE(storage_billed_through, created_at) AS billed,
                   LEAST(deleted_at, expire_time, ?::timestamptz) AS stop
            FROM tenant_resources
            WHERE kind = 'CACHED_CONTENT' AND model IS NOT NULL AND token_count IS NOT NULL
              AND storage_billed_through IS DISTINCT FROM LEAST(deleted_at, expire_time)
              AND COALESCE(storage_billed_through, created_at) < LEAST(deleted_at, expire_time, ?::timestamptz)
              AND (deleted_at IS NOT NULL OR expire_time <= ?::timestamptz
                   OR COALESCE(storage_billed_through, created_at) <= ?::timestamptz)
            ORDER BY LEAST(deleted_at, expire_time, ?::timestamptz), id
            LIMIT ?""";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresCacheStorageMarks(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public Optional<Stretch> advance(UUID cacheId, Instant through) {
        OffsetDateTime at = at(through);
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(ADVANCE)) {
                statement.setObject(1, at);
                statement.setObject(2, cacheId);
                statement.setObject(3, at);
                statement.setObject(4, at);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<Stretch>empty();
                    }
                    return Optional.of(new Stretch(instant(rows, "prev"), instant(rows, "upto")));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("moving the storage mark of a cache failed", e);
            }
        });
    }

    @Override
    public List<Due> due(Instant now, Duration interval, int limit) {
        if (limit < 1 || interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("a positive limit and an interval that is not negative");
        }
        OffsetDateTime at = at(now);
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(DUE)) {
                statement.setObject(1, at);
                statement.setObject(2, at);
                statement.setObject(3, at);
                statement.setObject(4, at(now.minus(interval)));
                statement.setObject(5, at);
                statement.setInt(6, limit);
                List<Due> due = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        CacheStorage cache = new CacheStorage(rows.getObject("id", UUID.class),
                                new UpstreamResourceName(ResourceKind.CACHED_CONTENT, rows.getString("upstream_name")),
                                new TenantId(rows.getObject("tenant_id", UUID.class)),
                                new ApiKeyId(rows.getObject("api_key_id", UUID.class)),
                                new ModelId(rows.getString("model")), rows.getLong("token_count"),
                                instant(rows, "created_at"));
                        due.add(new Due(cache, instant(rows, "billed"), instant(rows, "stop")));
                    }
                }
                return due;
            } catch (SQLException e) {
                throw new IllegalStateException("looking for cache storage to charge failed", e);
            }
        });
    }

    private static OffsetDateTime at(Instant instant) {
        return Timestamps.toDatabase(instant).atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        return rows.getObject(column, OffsetDateTime.class).toInstant();
    }
}
