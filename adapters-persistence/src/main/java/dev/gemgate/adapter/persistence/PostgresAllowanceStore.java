package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.quota.AllowanceStore;
import dev.gemgate.domain.quota.Bucket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * {@link AllowanceStore} on the {@code quota_buckets} table (V9; V12 adds the Pacific-day shape): every call is one SQL statement, one round trip, in
 * its own implicit transaction. A take is one {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}: it creates the
 * bucket full on first use (two replicas creating it at once meet in {@code ON CONFLICT}, and the second one takes from
 * the row the first one wrote), or else refills it for the time since {@code refilled_at}, caps it at the bucket's
 * (possibly changed) limit and takes from it, all under the row lock of that one statement: replicas queue on the row,
 * and none can take what another one took.
 *
 * <p>Amounts are held in ticks of 1/60,000,000 unit: a per-minute bucket of limit L refills exactly L ticks per
 * microsecond, so the continuous refill is exact integer arithmetic (in {@code numeric}, then capped) with no rounding;
 * takes and give-backs move whole units. Time is the caller's {@code now} (the application's clock), truncated to the
 * microsecond; the database's clock is never read. Durations are rounded up to the microsecond (a caller told to wait
 * never finds the bucket still short). A {@code now} earlier than the bucket's {@code refilled_at} (a replica whose
 * clock lags) refills nothing and never moves {@code refilled_at} back, so skewed clocks cannot credit the same
 * interval twice.
 *
 * <p>A database outage is a {@link dev.gemgate.domain.common.ServiceUnavailableException} (503) through
 * {@link DatabaseGuard}, never a 500.
 */
@ApplicationScoped
public class PostgresAllowanceStore implements AllowanceStore {
    /** The largest limit the table holds (its CHECK constraint): 10^11 units per minute or per day. */
    public static final long MAX_LIMIT = 100_000_000_000L;
    /** Ticks per unit: a per-minute bucket of limit L refills L ticks per microsecond. */
    static final long TICKS_PER_UNIT = 60_000_000L;

    /*
     * Parameters: 1 key, 2 shape, 3 limit, 4 held ticks and 5 granted units of a bucket created by this take, 6 now;
     * then 7 for a per-day shape the start of now's day in the shape's zone (computed in Java, so the database needs no
     * time-zone rules: a bucket last refilled before it belongs to an earlier day and is full again; unused for a
     * per-minute bucket), 8 the minimum in ticks, 9 the wanted units. "excluded" is the row this take proposed (its shape, limit and
     * now), "b" the stored one. r.held is what the bucket holds after the refill and the cap, g.units what it grants.
     * The refill is computed in numeric (exact: the epoch difference has six decimals) and capped before the cast.
     */
    static final String TAKE = """
            INSERT INTO quota_buckets AS b (bucket_key, shape, bucket_limit, held_ticks, granted_units, refilled_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (bucket_key) DO UPDATE SET
                (shape, bucket_limit, held_ticks, granted_units, refilled_at) = (
                    SELECT excluded.shape, excluded.bucket_limit, r.held - g.units * 60000000, g.units,
                           greatest(b.refilled_at, excluded.refilled_at)
                    FROM (SELECT least(excluded.bucket_limit * 60000000::numeric, CASE excluded.shape
                              WHEN 'PER_MINUTE' THEN b.held_ticks + excluded.bucket_limit
                                  * greatest(0, (extract(epoch FROM excluded.refilled_at)
                                                 - extract(epoch FROM b.refilled_at)) * 1000000)
                              ELSE CASE
                                  WHEN b.refilled_at < ?
                                  THEN excluded.bucket_limit * 60000000::numeric
                                  ELSE b.held_ticks END
                              END)::bigint AS held) r
                    CROSS JOIN LATERAL (SELECT CASE WHEN r.held >= ? THEN least(?, r.held / 60000000) ELSE 0 END
                                        AS units) g)
            RETURNING held_ticks, granted_units
            """;

    /** Parameters: 1 the limit, 2 the ticks given back, 3 the key. Never above the stored or the given limit (the sum
     * in numeric: a full bucket plus a full give-back would overflow bigint). */
    static final String GIVE_BACK = """
            UPDATE quota_buckets SET held_ticks = least(least(bucket_limit, ?) * 60000000, held_ticks + ?::numeric)
            WHERE bucket_key = ?""";

    /**
     * As {@link #GIVE_BACK}, and 4 and 5 the start and end of the day (of the bucket's zone) the units were taken on:
     * nothing once a take has reset the bucket into a later day.
     */
    static final String GIVE_BACK_SAME_DAY = GIVE_BACK + " AND refilled_at >= ? AND refilled_at < ?";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresAllowanceStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code minimum} is below 1 or above {@code wanted} or the bucket's limit (it
     *                                  could never be granted), or the limit is above {@link #MAX_LIMIT}
     */
    @Override
    public Grant take(Bucket bucket, long minimum, long wanted, Instant now) {
        Objects.requireNonNull(bucket, "bucket");
        checkLimit(bucket);
        if (minimum < 1 || minimum > wanted) {
            throw new IllegalArgumentException("a take needs 1 <= minimum <= wanted: " + minimum + ", " + wanted);
        }
        if (minimum > bucket.limit()) {
            throw new IllegalArgumentException("a minimum of " + minimum + " can never be granted from a limit of "
                    + bucket.limit() + " (" + bucket.key() + ")");
        }
        Instant at = Timestamps.toDatabase(Objects.requireNonNull(now, "now"));
        long createdGrant = Math.min(wanted, bucket.limit());
        long[] row = guard.call(() -> execute(bucket, minimum, wanted, at, createdGrant));
        return grant(bucket, minimum, row[0], row[1], at);
    }

    private long[] execute(Bucket bucket, long minimum, long wanted, Instant at, long createdGrant) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(TAKE)) {
            statement.setString(1, bucket.key());
            statement.setString(2, bucket.shape().name());
            statement.setLong(3, bucket.limit());
            statement.setLong(4, (bucket.limit() - createdGrant) * TICKS_PER_UNIT);
            statement.setLong(5, createdGrant);
            statement.setObject(6, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            Instant dayStart = bucket.shape().perDay() ? bucket.shape().startOf(bucket.shape().day(at)) : at;
            statement.setObject(7, OffsetDateTime.ofInstant(dayStart, ZoneOffset.UTC));
            statement.setLong(8, minimum * TICKS_PER_UNIT);
            statement.setLong(9, wanted);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return new long[] {result.getLong(1), result.getLong(2)};
            }
        } catch (SQLException e) {
            throw new IllegalStateException("taking from quota bucket " + bucket.key() + " failed", e);
        }
    }

    @Override
    public void giveBack(Bucket bucket, long units, Instant takenAt, Instant now) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(now, "now");
        checkLimit(bucket);
        if (units < 0) {
            throw new IllegalArgumentException("units given back cannot be negative: " + units);
        }
        boolean perDay = bucket.shape().perDay();
        LocalDate takenOn = perDay ? bucket.shape().day(takenAt) : null;
        if (units == 0 || perDay && !takenOn.equals(bucket.shape().day(now))) {
            return;
        }
        // more than the limit would be capped away anyway; bounding it first keeps the ticks inside a long
        long ticks = Math.min(units, bucket.limit()) * TICKS_PER_UNIT;
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(perDay ? GIVE_BACK_SAME_DAY : GIVE_BACK)) {
                statement.setLong(1, bucket.limit());
                statement.setLong(2, ticks);
                statement.setString(3, bucket.key());
                if (perDay) {
                    statement.setObject(4, OffsetDateTime.ofInstant(bucket.shape().startOf(takenOn), ZoneOffset.UTC));
                    statement.setObject(5, OffsetDateTime.ofInstant(bucket.shape().startOf(takenOn.plusDays(1)),
                            ZoneOffset.UTC));
                }
                return statement.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("giving back to quota bucket " + bucket.key() + " failed", e);
            }
        });
    }

    private static Grant grant(Bucket bucket, long minimum, long heldTicks, long units, Instant now) {
        long fullTicks = bucket.limit() * TICKS_PER_UNIT;
        boolean perDay = bucket.shape().perDay();
        Duration untilMinimum = units > 0 ? Duration.ZERO : perDay ? bucket.shape().untilNextDay(now)
                : refillTime(minimum * TICKS_PER_UNIT - heldTicks, bucket.limit());
        Duration resetIn = heldTicks >= fullTicks ? Duration.ZERO : perDay ? bucket.shape().untilNextDay(now)
                : refillTime(fullTicks - heldTicks, bucket.limit());
        return new Grant(units, untilMinimum, heldTicks / TICKS_PER_UNIT, resetIn);
    }

    /** How long a per-minute bucket of {@code limit} (L ticks per microsecond) takes to gain {@code ticks}, rounded up. */
    static Duration refillTime(long ticks, long limit) {
        return ticks <= 0 ? Duration.ZERO : Duration.of(Math.ceilDiv(ticks, limit), ChronoUnit.MICROS);
    }

    private static void checkLimit(Bucket bucket) {
        if (bucket.limit() > MAX_LIMIT) {
            throw new IllegalArgumentException("a limit above " + MAX_LIMIT + " is not supported: " + bucket.limit()
                    + " (" + bucket.key() + ")");
        }
    }
}
