package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.Money;
import jakarta.annotation.PreDestroy;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * {@link BudgetStore} on the V14 tables, through {@link DatabaseGuard} (an outage is a 503, never a 500). Leases,
 * give-backs and the sweep are one statement each, in its own implicit transaction. Reservations and settlements, the
 * two rows of every budgeted request, are group-committed ({@link CallBatcher}): the rows of concurrent requests go in
 * one transaction, one round trip, and each caller returns once its row is committed (a settlement once it is
 * durable; a reservation without waiting for the WAL flush, see {@link #RESERVE}); an idle database sees one round
 * trip per row, a busy one a fraction of one.
 *
 * <ul>
 *   <li>A lease is one {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING} on the account's row: created on first
 *       use with the grant (two replicas creating it at once meet in {@code ON CONFLICT}, the second one leases from
 *       the row the first wrote), else it grants {@code least(wanted, limit - leased)} if that is at least the minimum,
 *       all under the row lock of that one statement, so the leased total never passes the limit. A changed limit is
 *       taken over; money already leased stays leased.</li>
 *   <li>A group's reservations are one {@code INSERT ... SELECT} from the group's arrays {@code ON CONFLICT DO NOTHING
 *       RETURNING}: the request id's unique key makes a retry (on any replica) write nothing.</li>
 *   <li>A group's settlements are one {@code INSERT ... SELECT} from the reservations (each capped at its amount)
 *       joined with the group's arrays, {@code ON CONFLICT DO NOTHING RETURNING}: the settlement's primary key decides
 *       between a settlement, a release and the expiry sweep of the same reservation; one wins, the others write
 *       nothing.</li>
 *   <li>The expiry sweep is one such insert for every reservation whose expiry falls in {@code (from, now]} and that
 *       has no settlement, at its reserved amount.</li>
 * </ul>
 * Time is always the caller's {@code now} (the application's clock), truncated to the microsecond.
 */
@ApplicationScoped
public class PostgresBudgetStore implements BudgetStore {
    /*
     * 1 key, 2 limit, 3 leased and 4 granted for a row created by this lease, 5 alert percents; then 6 the minimum,
     * 7 the wanted amount. "excluded" is the row this lease proposed, "a" the stored one.
     */
    static final String LEASE = """
            INSERT INTO budget_accounts AS a (account_key, budget_limit_micros, leased_micros, granted_micros,
                                              alert_percents)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_key) DO UPDATE SET
                (budget_limit_micros, alert_percents, leased_micros, granted_micros) = (
                    SELECT excluded.budget_limit_micros, excluded.alert_percents, a.leased_micros + g.micros, g.micros
                    FROM (SELECT CASE WHEN excluded.budget_limit_micros - a.leased_micros >= ?
                                      THEN least(?, excluded.budget_limit_micros - a.leased_micros)
                                      ELSE 0 END AS micros) g)
            RETURNING leased_micros, granted_micros
            """;

    static final String GIVE_BACK = """
            UPDATE budget_accounts SET leased_micros = greatest(0, leased_micros - ?) WHERE account_key = ?""";

    /**
     * The reservations of a group, one statement: 1 ids, 2 request ids, 3 account keys (each reservation's joined by
     * {@link #KEY_SEPARATOR}), 4 amounts, 5 holders, 6 reservation and 7 expiry times, as parallel arrays. A request id
     * that already has a reservation (or twice in the group) writes nothing.
     *
     * <p>Its commit does not wait for the WAL to reach the disk ({@code synchronous_commit} off for this transaction
     * alone, set by the statement itself: no extra round trip, and the pooled connection keeps the server's setting for
     * everything else). The row is on the request path, before the upstream call, so its fsync was most of what a
     * budget added to a sequential request (infra/bench runs 16-18: +0.5 ms at p50). What the row guards against, a
     * Gemgate replica dying mid-call, it still does: the row is in PostgreSQL, visible to every replica's sweep, before
     * the call goes out. Only a crash of PostgreSQL itself can lose it, and then only the rows of the last
     * {@code 3 x wal_writer_delay} (600 ms by default): those requests are charged nothing, and the money their
     * replica's slices held for them is not reused (under-billing bounded by that window, never overspending). The
     * settlement, the charge itself, keeps the synchronous commit.
     */
    static final String RESERVE = """
            WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS setting)
            INSERT INTO budget_reservations (reservation_id, request_id, account_keys, amount_micros, holder,
                                             reserved_at, expires_at)
            SELECT v.reservation_id, v.request_id, string_to_array(v.account_keys, chr(31))::varchar(400)[], v.amount,
                   v.holder, v.reserved_at, v.expires_at
            FROM unnest(?::uuid[], ?::varchar[], ?::text[], ?::bigint[], ?::varchar[], ?::timestamptz[],
                        ?::timestamptz[]) WITH ORDINALITY
                 AS v(reservation_id, request_id, account_keys, amount, holder, reserved_at, expires_at, position)
                 CROSS JOIN async_commit
            ORDER BY v.position
            ON CONFLICT DO NOTHING
            RETURNING reservation_id""";

    /** Joins a reservation's account keys in {@link #RESERVE}: a control character, which no account key holds. */
    static final String KEY_SEPARATOR = "\u001f";


    /**
     * The settlements of a batch, one statement: 1 the reservations, 2 the amounts, 3 the kinds, 4 the times, as
     * parallel arrays. A reservation settled before (or twice in the batch) writes nothing.
     */
    static final String SETTLE = """
            INSERT INTO budget_settlements (reservation_id, amount_micros, kind, settled_at)
            SELECT r.reservation_id, least(v.amount, r.amount_micros), v.kind, v.settled_at
            FROM unnest(?::uuid[], ?::bigint[], ?::varchar[], ?::timestamptz[]) WITH ORDINALITY
                 AS v(reservation_id, amount, kind, settled_at, position)
            JOIN budget_reservations r ON r.reservation_id = v.reservation_id
            ORDER BY v.position
            ON CONFLICT (reservation_id) DO NOTHING
            RETURNING reservation_id, amount_micros""";

    /** The most rows one group commit writes. */
    static final int MAX_BATCH = 256;

    /** 1 now, 2 from, 3 now. */
    static final String SETTLE_EXPIRED = """
            INSERT INTO budget_settlements (reservation_id, amount_micros, kind, settled_at)
            SELECT r.reservation_id, r.amount_micros, 'EXPIRED', ? FROM budget_reservations r
            WHERE r.expires_at > ? AND r.expires_at <= ?
              AND NOT EXISTS (SELECT 1 FROM budget_settlements s WHERE s.reservation_id = r.reservation_id)
            ON CONFLICT (reservation_id) DO NOTHING
            RETURNING reservation_id""";

    static final String SETTLED_SPEND = """
            SELECT coalesce(sum(s.amount_micros), 0) FROM budget_reservations r
            JOIN budget_settlements s ON s.reservation_id = r.reservation_id
            WHERE r.account_keys @> ARRAY[?]::varchar(400)[]""";

    static final String RESERVATION = """
            SELECT reservation_id, request_id, account_keys, amount_micros, holder, reserved_at, expires_at
            FROM budget_reservations WHERE reservation_id = ?""";

    /**
     * How long a group of settlements waits for more before it goes. Settlements are written off the request path (the
     * ledger's settlement executor), so nobody waits for this but the money a settlement gives back to its slice, which
     * comes back that much later. Without it, settlement groups were 0.06 round trips per request at 64 connections
     * (infra/bench); at 4,000 requests a second a 20 ms linger gathers about 80 settlements in a group (issue 21: the
     * database target is 0.1 round trips per request, all writes together).
     */
    static final Duration SETTLEMENT_LINGER = Duration.ofMillis(20);

    /**
     * How long a group of reservations appended off the request path ({@link #appendReservation}) waits for more. It is
     * also the window in which a crash loses such a row (see {@code LeasedBudgetLedger.Durability}); at 1,000 budgeted
     * requests a second, about ten rows go in a group.
     */
    static final Duration RESERVATION_LINGER = Duration.ofMillis(10);

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    private final CallBatcher<Reservation, Boolean> reservations;
    private final CallBatcher<Reservation, Boolean> appendedReservations;
    private final CallBatcher<Settlement, Optional<Money>> settlements;

    @Inject
    public PostgresBudgetStore(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
        this.reservations = new CallBatcher<>("budget-reservations", MAX_BATCH,
                batch -> guard.call(() -> reserveAll(batch)), CallBatcher::refusesData);
        this.appendedReservations = new CallBatcher<>("budget-reservations-appended", MAX_BATCH, RESERVATION_LINGER,
                batch -> guard.call(() -> reserveAll(batch)), CallBatcher::refusesData);
        this.settlements = new CallBatcher<>("budget-settlements", MAX_BATCH, SETTLEMENT_LINGER,
                batch -> guard.call(() -> settleAll(batch)), CallBatcher::refusesData);
    }

    private record Settlement(ReservationId reservation, Money amount, SettlementKind kind, Instant at) {
    }

    /** Stops the group-commit workers when the application stops (after the ledger gave its slices back). */
    @PreDestroy
    void close() {
        reservations.close();
        appendedReservations.close();
        settlements.close();
    }

    @Override
    public Lease lease(Account account, Money minimum, Money wanted, Instant now) {
        Objects.requireNonNull(account, "account");
        if (minimum.isZero() || minimum.compareTo(wanted) > 0) {
            throw new IllegalArgumentException("a lease needs 0 < minimum <= wanted: " + minimum + ", " + wanted);
        }
        long limit = account.limit().micros();
        long created = limit >= minimum.micros() ? Math.min(wanted.micros(), limit) : 0;
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(LEASE)) {
                statement.setString(1, account.key());
                statement.setLong(2, limit);
                statement.setLong(3, created);
                statement.setLong(4, created);
                statement.setArray(5, connection.createArrayOf("integer", account.alertPercents().toArray()));
                statement.setLong(6, minimum.micros());
                statement.setLong(7, wanted.micros());
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return new Lease(Money.ofMicros(result.getLong(2)), Money.ofMicros(result.getLong(1)));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("leasing from budget account " + account.key() + " failed", e);
            }
        });
    }

    @Override
    public void giveBack(String accountKey, Money amount) {
        Objects.requireNonNull(accountKey, "accountKey");
        if (amount.isZero()) {
            return;
        }
        guard.call(() -> update(GIVE_BACK, "giving back to budget account " + accountKey, statement -> {
            statement.setLong(1, amount.micros());
            statement.setString(2, accountKey);
        }));
    }

    /** Group-committed with the reservations of concurrent requests ({@link CallBatcher}): returns once durable. */
    @Override
    public boolean recordReservation(Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        return reservations.call(reservation);
    }

    /**
     * Queued for a group commit that lingers {@link #RESERVATION_LINGER} for more rows; refused at once (503) while the
     * database is known to be down, so that no request is let through on a row that cannot be written.
     */
    @Override
    public CompletionStage<Boolean> appendReservation(Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        guard.requireAvailable();
        return appendedReservations.submit(reservation);
    }

    /** Group-committed with the settlements of concurrent requests ({@link CallBatcher}): returns once durable. */
    @Override
    public Optional<Money> settle(ReservationId reservation, Money amount, SettlementKind kind, Instant now) {
        Objects.requireNonNull(reservation, "reservation");
        if (kind == SettlementKind.EXPIRED) {
            throw new IllegalArgumentException("only the sweep settles a reservation as expired");
        }
        return settlements.call(new Settlement(reservation, amount, kind, now));
    }

    /** Round trips the ledger's group commits made, and the rows they wrote (for the benchmark and metrics). */
    public long ledgerBatches() {
        return reservations.batchCount() + appendedReservations.batchCount() + settlements.batchCount();
    }

    public long ledgerRows() {
        return reservations.itemCount() + appendedReservations.itemCount() + settlements.itemCount();
    }

    /**
     * One statement for the whole group, in its own implicit transaction (one round trip); a reservation whose request
     * id already has one, or that is in the group twice, gets false.
     */
    private List<Boolean> reserveAll(List<Reservation> batch) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(RESERVE)) {
            statement.setArray(1, connection.createArrayOf("uuid", batch.stream().map(r -> r.id().value()).toArray()));
            statement.setArray(2, connection.createArrayOf("varchar",
                    batch.stream().map(r -> r.requestId().value()).toArray()));
            statement.setArray(3, connection.createArrayOf("text",
                    batch.stream().map(PostgresBudgetStore::joinedKeys).toArray()));
            statement.setArray(4, connection.createArrayOf("bigint",
                    batch.stream().map(r -> r.amount().micros()).toArray()));
            statement.setArray(5, connection.createArrayOf("varchar", batch.stream().map(Reservation::holder).toArray()));
            statement.setArray(6, connection.createArrayOf("timestamptz",
                    batch.stream().map(r -> at(r.reservedAt())).toArray()));
            statement.setArray(7, connection.createArrayOf("timestamptz",
                    batch.stream().map(r -> at(r.expiresAt())).toArray()));
            Set<UUID> written = new HashSet<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    written.add(result.getObject(1, UUID.class));
                }
            }
            List<Boolean> recorded = new ArrayList<>(batch.size());
            for (Reservation reservation : batch) {
                recorded.add(written.remove(reservation.id().value()));
            }
            return recorded;
        } catch (SQLException e) {
            throw new IllegalStateException("recording " + batch.size() + " budget reservation(s) failed", e);
        }
    }

    private static String joinedKeys(Reservation reservation) {
        for (String key : reservation.accountKeys()) {
            if (key.contains(KEY_SEPARATOR)) {
                throw new IllegalArgumentException("an account key holds a control character");
            }
        }
        return String.join(KEY_SEPARATOR, reservation.accountKeys());
    }

    /** One statement for the whole batch; a reservation settled before, unknown, or twice in the batch gets empty. */
    private List<Optional<Money>> settleAll(List<Settlement> batch) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SETTLE)) {
            statement.setArray(1, connection.createArrayOf("uuid",
                    batch.stream().map(s -> s.reservation().value()).toArray()));
            statement.setArray(2, connection.createArrayOf("bigint",
                    batch.stream().map(s -> s.amount().micros()).toArray()));
            statement.setArray(3, connection.createArrayOf("varchar",
                    batch.stream().map(s -> s.kind().name()).toArray()));
            statement.setArray(4, connection.createArrayOf("timestamptz",
                    batch.stream().map(s -> at(s.at())).toArray()));
            Map<UUID, Long> written = new HashMap<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    written.put(result.getObject(1, UUID.class), result.getLong(2));
                }
            }
            List<Optional<Money>> recorded = new ArrayList<>(batch.size());
            for (Settlement settlement : batch) {
                // a reservation settled twice in one batch: the first one is its settlement
                Long amount = written.remove(settlement.reservation().value());
                recorded.add(amount == null ? Optional.empty() : Optional.of(Money.ofMicros(amount)));
            }
            return recorded;
        } catch (SQLException e) {
            throw new IllegalStateException("settling " + batch.size() + " budget reservation(s) failed", e);
        }
    }


    @Override
    public List<ReservationId> settleExpired(Instant from, Instant now) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(SETTLE_EXPIRED)) {
                statement.setObject(1, at(now));
                statement.setObject(2, at(from));
                statement.setObject(3, at(now));
                List<ReservationId> expired = new ArrayList<>();
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        expired.add(new ReservationId(result.getObject(1, UUID.class)));
                    }
                }
                return expired;
            } catch (SQLException e) {
                throw new IllegalStateException("settling expired budget reservations failed", e);
            }
        });
    }

    @Override
    public Optional<Reservation> reservation(ReservationId id) {
        Objects.requireNonNull(id, "id");
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(RESERVATION)) {
                statement.setObject(1, id.value());
                try (ResultSet result = statement.executeQuery()) {
                    if (!result.next()) {
                        return Optional.<Reservation>empty();
                    }
                    String[] keys = (String[]) result.getArray("account_keys").getArray();
                    return Optional.of(new Reservation(id, new dev.gemgate.domain.common.RequestId(
                            result.getString("request_id")), List.of(keys),
                            Money.ofMicros(result.getLong("amount_micros")), result.getString("holder"),
                            result.getObject("reserved_at", OffsetDateTime.class).toInstant(),
                            result.getObject("expires_at", OffsetDateTime.class).toInstant()));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading budget reservation " + id.value() + " failed", e);
            }
        });
    }

    @Override
    public Money settledSpend(String accountKey) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(SETTLED_SPEND)) {
                statement.setString(1, accountKey);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return Money.ofMicros(result.getLong(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the settled spend of " + accountKey + " failed", e);
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private int update(String sql, String what, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(Timestamps.toDatabase(instant), ZoneOffset.UTC);
    }
}
