package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetSource;
import dev.gemgate.domain.budget.BudgetStore.Account;
import dev.gemgate.domain.budget.BudgetStore.Lease;
import dev.gemgate.domain.budget.BudgetStore.Reservation;
import dev.gemgate.domain.budget.BudgetStore.SettlementKind;
import dev.gemgate.domain.budget.LeasedBudgetLedger;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.tenant.TenantId;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fleet-wide budget ledger on the real PostgreSQL: time is the {@code now} each call passes (never a sleep), and
 * two stores on two connection pools stand for two replicas.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresBudgetStoreTest {
    private static final Instant T0 = Instant.parse("2031-03-01T12:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(15);

    @Inject
    PostgresBudgetStore store;

    @Inject
    DataSource dataSource;

    private static Account account(String dollars) {
        return new Account("budget:test:" + UUID.randomUUID(), Money.ofDollars(dollars), List.of(50, 80));
    }

    private Reservation reservation(String requestId, List<String> accounts, String dollars, Instant at) {
        return new Reservation(LeasedBudgetLedger.reservationOf(new RequestId(requestId)), new RequestId(requestId),
                accounts, Money.ofDollars(dollars), "replica-a", at, at.plus(TTL));
    }

    @Test
    void a_lease_never_takes_the_leased_total_above_the_limit() {
        Account account = account("1");

        assertThat(store.lease(account, Money.ofDollars("0.10"), Money.ofDollars("0.60"), T0))
                .isEqualTo(new Lease(Money.ofDollars("0.60"), Money.ofDollars("0.60")));
        assertThat(store.lease(account, Money.ofDollars("0.10"), Money.ofDollars("0.60"), T0))
                .as("what is left, since it is at least the minimum")
                .isEqualTo(new Lease(Money.ofDollars("0.40"), Money.ofDollars("1")));
        assertThat(store.lease(account, Money.ofMicros(1), Money.ofDollars("0.60"), T0))
                .isEqualTo(new Lease(Money.ZERO, Money.ofDollars("1")));

        store.giveBack(account.key(), Money.ofDollars("0.25"));

        assertThat(store.lease(account, Money.ofDollars("0.30"), Money.ofDollars("0.30"), T0).granted())
                .as("less than the minimum is left").isEqualTo(Money.ZERO);
        assertThat(store.lease(account, Money.ofDollars("0.25"), Money.ofDollars("0.30"), T0).granted())
                .isEqualTo(Money.ofDollars("0.25"));
    }

    @Test
    void a_lowered_limit_is_taken_over_and_grants_nothing_while_more_is_leased() {
        Account account = account("1");
        store.lease(account, Money.ofDollars("0.80"), Money.ofDollars("0.80"), T0);

        Account lowered = new Account(account.key(), Money.ofDollars("0.50"), List.of());

        assertThat(store.lease(lowered, Money.ofMicros(1), Money.ofDollars("0.10"), T0).granted())
                .isEqualTo(Money.ZERO);
    }

    @Test
    void a_request_id_is_reserved_once_and_a_reservation_settled_once_at_most_its_amount() {
        Account account = account("1");
        Reservation reservation = reservation("req-" + UUID.randomUUID(), List.of(account.key()), "0.40", T0);

        assertThat(store.recordReservation(reservation)).isTrue();
        assertThat(store.recordReservation(reservation)).isFalse();

        assertThat(store.settle(reservation.id(), Money.ofDollars("9"), SettlementKind.SETTLED, T0))
                .contains(Money.ofDollars("0.40"));
        assertThat(store.settle(reservation.id(), Money.ofDollars("0.10"), SettlementKind.SETTLED, T0)).isEmpty();
        assertThat(store.settle(reservation.id(), Money.ZERO, SettlementKind.RELEASED, T0)).isEmpty();
        assertThat(store.settle(new ReservationId(UUID.randomUUID()), Money.ZERO, SettlementKind.RELEASED, T0))
                .as("an unknown reservation").isEmpty();

        assertThat(store.settledSpend(account.key())).isEqualTo(Money.ofDollars("0.40"));
    }

    /**
     * The reservation row's transaction commits without waiting for the WAL flush (it is on the request path; see
     * {@link PostgresBudgetStore#RESERVE}), and only that transaction: the connection, back in the pool, keeps the
     * server's synchronous commit for the settlements and everything else.
     */
    @Test
    void a_reservation_alone_commits_without_waiting_for_the_wal_flush() throws Exception {
        Account account = account("1");
        try (Connection c = dataSource.getConnection()) {
            assertThat(show(c)).isEqualTo("on");
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(PostgresBudgetStore.RESERVE)) {
                s.setArray(1, c.createArrayOf("uuid", new Object[]{UUID.randomUUID()}));
                s.setArray(2, c.createArrayOf("varchar", new Object[]{"req-" + UUID.randomUUID()}));
                s.setArray(3, c.createArrayOf("text", new Object[]{account.key()}));
                s.setArray(4, c.createArrayOf("bigint", new Object[]{400_000L}));
                s.setArray(5, c.createArrayOf("varchar", new Object[]{"replica-a"}));
                s.setArray(6, c.createArrayOf("timestamptz", new Object[]{java.sql.Timestamp.from(T0)}));
                s.setArray(7, c.createArrayOf("timestamptz", new Object[]{java.sql.Timestamp.from(T0.plus(TTL))}));
                try (ResultSet r = s.executeQuery()) {
                    assertThat(r.next()).as("the row is written").isTrue();
                }
            }
            assertThat(show(c)).as("inside the reservation's transaction").isEqualTo("off");
            c.commit();
            assertThat(show(c)).as("after it").isEqualTo("on");
            c.setAutoCommit(true);
        }
        // and through the store, on whichever pooled connection it takes
        assertThat(store.recordReservation(reservation("req-" + UUID.randomUUID(), List.of(account.key()), "0.1", T0)))
                .isTrue();
        try (Connection c = dataSource.getConnection()) {
            assertThat(show(c)).isEqualTo("on");
        }
    }

    private static String show(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW synchronous_commit")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void concurrent_rows_are_group_committed_and_each_caller_gets_its_own_answer() throws Exception {
        Account account = account("1000");
        int requests = 400;
        List<Reservation> reservations = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            reservations.add(reservation("group-" + UUID.randomUUID(), List.of(account.key()), "0.50", T0));
        }
        long batchesBefore = store.ledgerBatches();
        long rowsBefore = store.ledgerRows();
        List<Boolean> recorded = new ArrayList<>();
        List<Optional<Money>> settled = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> reserving = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                // every reservation twice at once: the second of each pair writes nothing, batched or not
                Reservation reservation = reservations.get(i / 2 * 2);
                reserving.add(pool.submit(() -> {
                    go.await();
                    return store.recordReservation(reservation);
                }));
            }
            go.countDown();
            for (Future<Boolean> f : reserving) {
                recorded.add(f.get());
            }
            List<Future<Optional<Money>>> settling = new ArrayList<>();
            CountDownLatch again = new CountDownLatch(1);
            for (int i = 0; i < requests; i += 2) {
                ReservationId id = reservations.get(i).id();
                // settled twice at once (a settlement and a release): exactly one of them is written
                settling.add(pool.submit(() -> {
                    again.await();
                    return store.settle(id, Money.ofDollars("0.20"), SettlementKind.SETTLED, T0);
                }));
                settling.add(pool.submit(() -> {
                    again.await();
                    return store.settle(id, Money.ZERO, SettlementKind.RELEASED, T0);
                }));
            }
            again.countDown();
            for (Future<Optional<Money>> f : settling) {
                settled.add(f.get());
            }
        }
        assertThat(recorded.stream().filter(b -> b).count()).as("one reservation per request id")
                .isEqualTo(requests / 2);
        assertThat(settled.stream().filter(Optional::isPresent).count()).as("one settlement per reservation")
                .isEqualTo(requests / 2);
        long batches = store.ledgerBatches() - batchesBefore;
        long rows = store.ledgerRows() - rowsBefore;
        System.out.printf("LEDGER GROUP COMMIT %d rows in %d round trips%n", rows, batches);
        assertThat(rows).isEqualTo(2L * requests);
        assertThat(batches).as("concurrent rows share commits").isLessThan(rows);
        // the rebuilt spend is what the written settlements charged: 0.20 or 0 each
        long charged = settled.stream().flatMap(Optional::stream).mapToLong(Money::micros).sum();
        assertThat(store.settledSpend(account.key()).micros()).isEqualTo(charged);
    }

    @Test
    void appended_reservations_are_group_committed_off_the_callers_thread_each_with_its_own_answer() {
        Account account = account("1000");
        List<Reservation> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(reservation("appended-" + UUID.randomUUID(), List.of(account.key()), "0.50", T0));
        }
        long batchesBefore = store.ledgerBatches();
        List<CompletableFuture<Boolean>> written = new ArrayList<>();
        for (Reservation row : rows) {
            written.add(store.appendReservation(row).toCompletableFuture());
        }
        // a request id appended twice (a retry): the second row writes nothing
        CompletableFuture<Boolean> again = store.appendReservation(rows.getFirst()).toCompletableFuture();

        assertThat(written).allSatisfy(f -> assertThat(f).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true));
        assertThat(again).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(false);
        assertThat(rows).allSatisfy(row -> assertThat(store.reservation(row.id())).isPresent());
        long batches = store.ledgerBatches() - batchesBefore;
        System.out.printf("APPENDED RESERVATIONS 101 rows in %d round trips%n", batches);
        assertThat(batches).as("rows appended together share a commit").isLessThanOrEqualTo(10);
        assertThat(store.settle(rows.get(1).id(), Money.ofDollars("0.20"), SettlementKind.SETTLED, T0))
                .contains(Money.ofDollars("0.20"));
    }

    @Test
    void expired_reservations_are_settled_once_at_their_reserved_amount_and_a_late_settlement_charges_nothing() {
        Account tenant = account("1");
        Account user = account("1");
        Instant at = T0.plusSeconds(ThreadLocalRandom.current().nextLong(1, 1_000_000));
        Reservation crashed = reservation("req-" + UUID.randomUUID(), List.of(tenant.key(), user.key()), "0.30", at);
        Reservation settled = reservation("req-" + UUID.randomUUID(), List.of(tenant.key()), "0.20", at);
        store.recordReservation(crashed);
        store.recordReservation(settled);
        store.settle(settled.id(), Money.ofDollars("0.05"), SettlementKind.SETTLED, at);

        assertThat(store.settleExpired(at, at.plus(TTL).minusNanos(1000))).doesNotContain(crashed.id());
        assertThat(store.settleExpired(at, at.plus(TTL))).containsExactly(crashed.id());
        assertThat(store.settleExpired(at, at.plus(TTL))).isEmpty();
        assertThat(store.settle(crashed.id(), Money.ofDollars("0.01"), SettlementKind.SETTLED, at.plus(TTL)))
                .isEmpty();

        assertThat(store.settledSpend(tenant.key())).isEqualTo(Money.ofDollars("0.35"));
        assertThat(store.settledSpend(user.key())).isEqualTo(Money.ofDollars("0.30"));
        assertThat(kindOf(crashed.id())).isEqualTo("EXPIRED");
    }

    @Test
    void ledger_rows_are_append_only() {
        Reservation reservation = reservation("req-" + UUID.randomUUID(), List.of(account("1").key()), "0.40", T0);
        store.recordReservation(reservation);
        store.settle(reservation.id(), Money.ofDollars("0.10"), SettlementKind.SETTLED, T0);

        assertThatThrownBy(() -> execute("UPDATE budget_settlements SET amount_micros = 0 WHERE reservation_id = '"
                + reservation.id().value() + "'")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> execute("DELETE FROM budget_reservations WHERE reservation_id = '"
                + reservation.id().value() + "'")).hasMessageContaining("append-only");
        assertThat(store.settledSpend(reservation.accountKeys().getFirst())).isEqualTo(Money.ofDollars("0.10"));
    }

    @Test
    void an_unreachable_database_is_service_unavailable_not_an_internal_error() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (AgroalDataSource unreachable = SeparatePools.pool("jdbc:postgresql://127.0.0.1:" + deadPort + "/postgres",
                Duration.ofMillis(200))) {
            PostgresBudgetStore cutOff = new PostgresBudgetStore(unreachable, new DatabaseGuard(Duration.ofSeconds(2)));
            assertThatThrownBy(() -> cutOff.lease(account("1"), Money.ofMicros(1), Money.ofMicros(1), T0))
                    .isInstanceOf(ServiceUnavailableException.class);
            Reservation row = reservation("cut-off-" + UUID.randomUUID(), List.of(account("1").key()), "0.10", T0);
            assertThat(cutOff.appendReservation(row).toCompletableFuture()).as("its write fails later")
                    .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ServiceUnavailableException.class);
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> cutOff.lease(account("1"), Money.ofMicros(1), Money.ofMicros(1), T0))
                        .isInstanceOf(ServiceUnavailableException.class);
            }
            // known down: a row that cannot be written is refused at once, so no request goes on without it
            assertThatThrownBy(() -> cutOff.appendReservation(row)).isInstanceOf(ServiceUnavailableException.class);
        }
    }

    /**
     * Two replicas (two ledgers on two stores on two connection pools), many threads, one tenant budget and a default
     * end-user budget, random estimates, actual costs and releases, some reservations abandoned as by a crash and
     * swept: settled spend never passes a limit and equals, to the micro-dollar, what the callers were charged.
     */
    @Test
    void two_replicas_hammering_one_budget_never_settle_more_than_its_limit() throws Exception {
        TenantId tenantId = new TenantId(UUID.randomUUID());
        Budget tenant = new Budget(tenantId, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC,
                Money.ofDollars("2"), List.of());
        Budget everyUser = new Budget(tenantId, Optional.empty(), Optional.of(Budget.EVERY_END_USER),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("0.80"), List.of());
        BudgetSource source = BudgetSource.fixed(List.of(tenant, everyUser));
        int threadsPerReplica = 8;
        try (AgroalDataSource secondPool = SeparatePools.onTheTestDatabase(Duration.ofSeconds(5))) {
            PostgresBudgetStore storeB = new PostgresBudgetStore(secondPool, new DatabaseGuard(Duration.ofSeconds(2)));
            List<LeasedBudgetLedger> replicas = List.of(
                    new LeasedBudgetLedger(store, source, "a", 20, TTL, T0, a -> { }),
                    new LeasedBudgetLedger(storeB, source, "b", 20, TTL, T0, a -> { }));
            AtomicLong charged = new AtomicLong();
            AtomicLong abandoned = new AtomicLong();
            AtomicLong reserved = new AtomicLong();
            AtomicLong abandonedByA = new AtomicLong();
            ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerReplica);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            String run = UUID.randomUUID().toString();
            for (int t = 0; t < 2 * threadsPerReplica; t++) {
                LeasedBudgetLedger replica = replicas.get(t % 2);
                int thread = t;
                work.add(threads.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 150; i++) {
                        long estimate = random.nextLong(1, 40_000);
                        ReservationRequest request = new ReservationRequest(new RequestId(run + "-" + thread + "-" + i),
                                tenantId, Optional.empty(), Optional.of("user" + random.nextInt(5)),
                                Money.ofMicros(estimate));
                        if (replica.reserve(request, T0) instanceof ReservationOutcome.Reserved r) {
                            reserved.incrementAndGet();
                            int fate = random.nextInt(20);
                            if (fate == 0) {
                                abandoned.addAndGet(estimate); // the replica "crashes" before settling this one
                                if (replica == replicas.getFirst()) {
                                    abandonedByA.incrementAndGet();
                                }
                            } else if (fate == 1) {
                                replica.release(r.id(), T0);
                            } else {
                                long actual = random.nextLong(0, estimate + 1);
                                replica.settle(r.id(), Money.ofMicros(actual), T0);
                                charged.addAndGet(actual);
                            }
                        }
                    }
                    return null;
                }));
            }
            long started = System.nanoTime();
            start.countDown();
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            threads.shutdownNow();
            replicas.get(1).sweep(T0.plus(TTL));

            String tenantAccount = tenant.accountKey(T0);
            Money settled = store.settledSpend(tenantAccount);
            System.out.printf("BUDGET-RACE %d threads on 2 pools: %d reserved, %s settled of %s in %d ms%n",
                    work.size(), reserved.get(), settled, tenant.limit(), millis);
            assertThat(settled).isEqualTo(Money.ofMicros(charged.get() + abandoned.get()));
            assertThat(settled.compareTo(tenant.limit())).isLessThanOrEqualTo(0);
            assertThat(settled.compareTo(Money.ofDollars("1.50"))).as("the budget was well used").isGreaterThan(0);
            assertThat(sumOfSettlements(tenantAccount)).isEqualTo(settled.micros());
            assertThat(leased(tenantAccount)).isLessThanOrEqualTo(tenant.limit().micros());
            for (int u = 0; u < 5; u++) {
                assertThat(store.settledSpend(everyUser.forEndUser("user" + u).accountKey(T0))
                        .compareTo(everyUser.limit())).isLessThanOrEqualTo(0);
            }
            assertThat(replicas.get(1).openReservations()).as("b's own abandoned ones were swept").isZero();
            assertThat(replicas.get(0).openReservations()).as("a never learns (it 'crashed')")
                    .isEqualTo(abandonedByA.get());
            assertThat(abandoned.get()).as("some were abandoned").isPositive();
        }
    }

    private long sumOfSettlements(String accountKey) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT coalesce(sum(s.amount_micros), 0) FROM budget_settlements s JOIN budget_reservations r "
                        + "USING (reservation_id) WHERE ? = ANY (r.account_keys)")) {
            s.setString(1, accountKey);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long leased(String accountKey) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT leased_micros FROM budget_accounts WHERE account_key = ?")) {
            s.setString(1, accountKey);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String kindOf(ReservationId id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT kind FROM budget_settlements WHERE reservation_id = ?")) {
            s.setObject(1, id.value());
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return r.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }


}
