package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.quota.PermitPool;
import dev.gemgate.domain.quota.PermitStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * {@link PermitStore} on the {@code concurrency_pools} and {@code concurrency_leases} tables (V11). A lease is one short
 * transaction: lock the pool's row (created on first use; two replicas creating it at once meet in
 * {@code ON CONFLICT}, and the second waits for the first's lock), drop the pool's expired leases of other holders,
 * sum the live leases in a fresh statement (READ COMMITTED gives it a snapshot taken after the lock was granted, so it
 * sees every lease written under that lock before), then write the holder's lease. A give-back and a renewal are one
 * statement each on the holder's own rows: they only free permits or keep them, so they need no pool lock (a lease
 * running beside them at worst sees fewer permits free than there are).
 *
 * <p>Time is the caller's {@code now} (the application's clock) truncated to the microsecond; the database's clock is
 * never read. A database outage is a {@link dev.gemgate.domain.common.ServiceUnavailableException} (503) through
 * {@link DatabaseGuard}, never a 500.
 */
@ApplicationScoped
public class PostgresPermitStore implements PermitStore {
    /**
     * Parameters: 1 key, 2 limit. Locks the pool's row for the rest of the transaction: PostgreSQL locks the
     * conflicting row even when the {@code WHERE} leaves it unchanged, so an unchanged limit costs no row version.
     */
    static final String LOCK_POOL = """
            INSERT INTO concurrency_pools AS p (pool_key, pool_limit) VALUES (?, ?)
            ON CONFLICT (pool_key) DO UPDATE SET pool_limit = excluded.pool_limit
            WHERE p.pool_limit <> excluded.pool_limit""";

    /** Parameters: 1 key, 2 now, 3 holder: leases that no longer count, of holders other than the caller. */
    static final String DROP_EXPIRED = """
            DELETE FROM concurrency_leases WHERE pool_key = ? AND expires_at <= ? AND holder <> ?""";

    /** Parameters: 1 holder, 2 holder, 3 key, 4 now: the live permits of others and of the holder. */
    static final String LIVE = """
            SELECT coalesce(sum(permits) FILTER (WHERE holder <> ?), 0),
                   coalesce(sum(permits) FILTER (WHERE holder = ?), 0)
            FROM concurrency_leases WHERE pool_key = ? AND expires_at > ?""";

    /**
     * Parameters: 1 key, 2 holder, 3 granted, 4 expires at, 5 now. Adds the grant to the holder's live lease as it is
     * now (relative, so a give-back of the same holder committed meanwhile is not lost), or replaces an expired one.
     */
    static final String WRITE_LEASE = """
            INSERT INTO concurrency_leases AS l (pool_key, holder, permits, expires_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (pool_key, holder) DO UPDATE
                SET permits = CASE WHEN l.expires_at > ? THEN l.permits + excluded.permits ELSE excluded.permits END,
                    expires_at = greatest(l.expires_at, excluded.expires_at)""";

    /** Parameters: 1 permits, 2 key, 3 holder, 4 now. */
    static final String GIVE_BACK = """
            UPDATE concurrency_leases SET permits = greatest(0, permits - ?)
            WHERE pool_key = ? AND holder = ? AND expires_at > ?""";

    /** Parameters: 1 expires at, 2 holder, 3 now. */
    static final String RENEW = """
            UPDATE concurrency_leases SET expires_at = greatest(expires_at, ?)
            WHERE holder = ? AND expires_at > ? AND permits > 0
            RETURNING pool_key""";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresPermitStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public long lease(PermitPool pool, String holder, long minimum, long wanted, Instant now, Instant expiresAt) {
        Objects.requireNonNull(pool, "pool");
        checkHolder(holder);
        if (minimum < 1 || minimum > wanted) {
            throw new IllegalArgumentException("a lease needs 1 <= minimum <= wanted: " + minimum + ", " + wanted);
        }
        Instant at = Timestamps.toDatabase(Objects.requireNonNull(now, "now"));
        Instant until = Timestamps.toDatabase(Objects.requireNonNull(expiresAt, "expiresAt"));
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    long granted = lease(connection, pool, holder, minimum, wanted, at, until);
                    connection.commit();
                    return granted;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("leasing permits of " + pool.key() + " failed", e);
            }
        });
    }

    private static long lease(Connection connection, PermitPool pool, String holder, long minimum, long wanted,
                              Instant now, Instant expiresAt) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK_POOL)) {
            lock.setString(1, pool.key());
            lock.setLong(2, pool.limit());
            lock.executeUpdate();
        }
        try (PreparedStatement drop = connection.prepareStatement(DROP_EXPIRED)) {
            drop.setString(1, pool.key());
            drop.setObject(2, utc(now));
            drop.setString(3, holder);
            drop.executeUpdate();
        }
        long others;
        long own;
        try (PreparedStatement live = connection.prepareStatement(LIVE)) {
            live.setString(1, holder);
            live.setString(2, holder);
            live.setString(3, pool.key());
            live.setObject(4, utc(now));
            try (ResultSet result = live.executeQuery()) {
                result.next();
                others = result.getLong(1);
                own = result.getLong(2);
            }
        }
        long free = pool.limit() - others - own;
        long granted = free >= minimum ? Math.min(wanted, free) : 0;
        if (granted == 0) {
            return 0;
        }
        try (PreparedStatement write = connection.prepareStatement(WRITE_LEASE)) {
            write.setString(1, pool.key());
            write.setString(2, holder);
            write.setLong(3, granted);
            write.setObject(4, utc(expiresAt));
            write.setObject(5, utc(now));
            write.executeUpdate();
        }
        return granted;
    }

    @Override
    public void giveBack(PermitPool pool, String holder, long permits, Instant now) {
        Objects.requireNonNull(pool, "pool");
        checkHolder(holder);
        if (permits < 0) {
            throw new IllegalArgumentException("permits given back cannot be negative: " + permits);
        }
        if (permits == 0) {
            return;
        }
        Instant at = Timestamps.toDatabase(Objects.requireNonNull(now, "now"));
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(GIVE_BACK)) {
                statement.setLong(1, permits);
                statement.setString(2, pool.key());
                statement.setString(3, holder);
                statement.setObject(4, utc(at));
                return statement.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("giving back permits of " + pool.key() + " failed", e);
            }
        });
    }

    @Override
    public Set<String> renew(String holder, Instant now, Instant expiresAt) {
        checkHolder(holder);
        Instant at = Timestamps.toDatabase(Objects.requireNonNull(now, "now"));
        Instant until = Timestamps.toDatabase(Objects.requireNonNull(expiresAt, "expiresAt"));
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(RENEW)) {
                statement.setObject(1, utc(until));
                statement.setString(2, holder);
                statement.setObject(3, utc(at));
                Set<String> renewed = new HashSet<>();
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        renewed.add(result.getString(1));
                    }
                }
                return renewed;
            } catch (SQLException e) {
                throw new IllegalStateException("renewing the permit leases of " + holder + " failed", e);
            }
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static void checkHolder(String holder) {
        if (holder == null || holder.isBlank() || holder.length() > 64) {
            throw new IllegalArgumentException("a holder id is 1 to 64 characters");
        }
    }
}
