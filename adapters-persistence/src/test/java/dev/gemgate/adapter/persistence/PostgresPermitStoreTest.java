package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.quota.PermitPool;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fleet-wide permit pools on the real PostgreSQL: time is the {@code now} each call passes (never a sleep), and two
 * store instances on two connection pools stand for two replicas.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresPermitStoreTest {
    private static final Instant T0 = Instant.parse("2031-03-01T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(30);

    @Inject
    PostgresPermitStore store;

    @Inject
    DataSource dataSource;

    private static PermitPool newPool(long limit) {
        return new PermitPool("test:" + UUID.randomUUID() + ":concurrent", limit);
    }

    @Test
    void leasesGrantUpToTheLimitAcrossHoldersThenNothing() {
        PermitPool pool = newPool(10);

        assertThat(store.lease(pool, "a", 1, 4, T0, T0.plus(TTL))).isEqualTo(4);
        assertThat(store.lease(pool, "b", 1, 4, T0, T0.plus(TTL))).isEqualTo(4);
        assertThat(store.lease(pool, "a", 1, 4, T0, T0.plus(TTL))).isEqualTo(2);
        assertThat(store.lease(pool, "b", 1, 4, T0, T0.plus(TTL))).isZero();

        assertThat(permits(pool, "a")).isEqualTo(6);
        assertThat(permits(pool, "b")).isEqualTo(4);
    }

    @Test
    void aLeaseBelowTheMinimumGrantsNothing() {
        PermitPool pool = newPool(5);
        store.lease(pool, "a", 1, 4, T0, T0.plus(TTL));

        assertThat(store.lease(pool, "b", 2, 3, T0, T0.plus(TTL))).isZero();
        assertThat(store.lease(pool, "b", 1, 3, T0, T0.plus(TTL))).isEqualTo(1);
    }

    @Test
    void givenBackPermitsAreFreeAgain() {
        PermitPool pool = newPool(3);
        store.lease(pool, "a", 1, 3, T0, T0.plus(TTL));

        store.giveBack(pool, "a", 2, T0);

        assertThat(permits(pool, "a")).isEqualTo(1);
        assertThat(store.lease(pool, "b", 1, 3, T0, T0.plus(TTL))).isEqualTo(2);
        // never below zero
        store.giveBack(pool, "a", 5, T0);
        assertThat(permits(pool, "a")).isZero();
    }

    @Test
    void anExpiredLeaseNoLongerCountsAndIsReplacedNotAddedTo() {
        PermitPool pool = newPool(4);
        store.lease(pool, "crashed", 1, 4, T0, T0.plus(TTL));

        assertThat(store.lease(pool, "b", 1, 4, T0.plus(TTL).minusNanos(1_000), T0.plus(TTL))).isZero();
        assertThat(store.lease(pool, "b", 1, 4, T0.plus(TTL), T0.plus(TTL).plus(TTL))).isEqualTo(4);
        // the dead holder's lease is gone; were it to come back, its old permits count for nothing
        assertThat(permits(pool, "crashed")).isNull();
        assertThat(store.lease(pool, "crashed", 1, 1, T0.plus(TTL), T0.plus(TTL).plus(TTL))).isZero();
        store.giveBack(pool, "b", 4, T0.plus(TTL));
        store.lease(pool, "b", 1, 1, T0.plus(TTL), T0.plus(TTL).plus(TTL));
        assertThat(store.lease(pool, "b", 1, 4, T0.plus(TTL).plus(TTL), T0.plus(TTL).plus(TTL).plus(TTL)))
                .as("b's own lease expired: replaced by the new grant").isEqualTo(4);
        assertThat(permits(pool, "b")).isEqualTo(4);
    }

    @Test
    void renewalKeepsLiveLeasesAndNotExpiredOnes() {
        PermitPool live = newPool(2);
        PermitPool lapsed = newPool(2);
        String holder = "h-" + UUID.randomUUID();
        store.lease(live, holder, 1, 2, T0.plusSeconds(20), T0.plusSeconds(20).plus(TTL));
        store.lease(lapsed, holder, 1, 2, T0, T0.plus(TTL));

        assertThat(store.renew(holder, T0.plus(TTL), T0.plus(TTL).plus(TTL))).containsExactly(live.key());

        // the renewed lease still holds its permits at a time past its first expiry
        assertThat(store.lease(live, "other", 1, 2, T0.plusSeconds(55), T0.plusSeconds(85))).isZero();
        assertThat(store.lease(lapsed, "other", 1, 2, T0.plusSeconds(55), T0.plusSeconds(85))).isEqualTo(2);
    }

    @Test
    void aRaisedLimitGrantsMoreAtOnceAndALoweredOneGrantsNothingUntilBelowIt() {
        String key = "test:" + UUID.randomUUID() + ":concurrent";
        store.lease(new PermitPool(key, 4), "a", 1, 4, T0, T0.plus(TTL));

        assertThat(store.lease(new PermitPool(key, 2), "b", 1, 4, T0, T0.plus(TTL))).isZero();
        assertThat(store.lease(new PermitPool(key, 6), "b", 1, 4, T0, T0.plus(TTL))).isEqualTo(2);
    }

    @Test
    void anUnreachableDatabaseIsServiceUnavailableNotAnInternalError() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (AgroalDataSource unreachable = SeparatePools.pool("jdbc:postgresql://127.0.0.1:" + deadPort + "/postgres",
                Duration.ofMillis(200))) {
            PostgresPermitStore cutOff = new PostgresPermitStore(unreachable, new DatabaseGuard(Duration.ofSeconds(2)));
            PermitPool pool = newPool(3);
            assertThatThrownBy(() -> cutOff.lease(pool, "a", 1, 1, T0, T0.plus(TTL)))
                    .isInstanceOf(ServiceUnavailableException.class);
            assertThatThrownBy(() -> cutOff.giveBack(pool, "a", 1, T0))
                    .isInstanceOf(ServiceUnavailableException.class);
            assertThatThrownBy(() -> cutOff.renew("a", T0, T0.plus(TTL)))
                    .isInstanceOf(ServiceUnavailableException.class);
        }
    }

    /**
     * Two replicas (two stores, two connection pools), each with its own holder id and several threads, lease and give
     * back permits of one fresh pool as fast as they can: the permits they hold together never exceed the limit, and
     * the pool is used to the full.
     */
    @Test
    void twoReplicasHammeringOnePoolNeverHoldMoreThanTheLimit() throws Exception {
        long limit = 12;
        int threadsPerReplica = 6;
        PermitPool pool = newPool(limit);
        AtomicLong held = new AtomicLong();
        AtomicLong highest = new AtomicLong();
        AtomicLong granted = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        try (AgroalDataSource secondPool = SeparatePools.onTheTestDatabase(Duration.ofSeconds(5))) {
            PostgresPermitStore replicaB = new PostgresPermitStore(secondPool, new DatabaseGuard(Duration.ofSeconds(2)));
            ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerReplica);
            CountDownLatch start = new CountDownLatch(1);
            long started = System.nanoTime();
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < 2 * threadsPerReplica; i++) {
                    PostgresPermitStore replica = i % 2 == 0 ? store : replicaB;
                    String holder = i % 2 == 0 ? "replica-a" : "replica-b";
                    workers.add(threads.submit(() -> {
                        start.await();
                        long kept = 0;
                        for (int round = 0; round < 60; round++) {
                            // hold what the last round got while asking for more, so the pool runs dry often
                            long got = replica.lease(pool, holder, 1, ThreadLocalRandom.current().nextLong(1, 4), T0,
                                    T0.plus(TTL));
                            if (got == 0) {
                                refusals.incrementAndGet();
                            } else {
                                highest.accumulateAndGet(held.addAndGet(got), Math::max);
                                granted.addAndGet(got);
                            }
                            held.addAndGet(-kept);
                            replica.giveBack(pool, holder, kept, T0);
                            kept = got;
                        }
                        held.addAndGet(-kept);
                        replica.giveBack(pool, holder, kept, T0);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> worker : workers) {
                    worker.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            System.out.printf("PERMIT-RACE %d threads on 2 pools: %d permits granted, %d refusals, at most %d held of %d,"
                    + " %d ms%n", 2 * threadsPerReplica, granted.get(), refusals.get(), highest.get(), limit,
                    (System.nanoTime() - started) / 1_000_000);
        }
        assertThat(highest.get()).isLessThanOrEqualTo(limit);
        assertThat(refusals.get()).as("the pool ran dry: the race was real").isPositive();
        assertThat(permits(pool, "replica-a") + permits(pool, "replica-b")).isZero();
    }

    private Long permits(PermitPool pool, String holder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT permits FROM concurrency_leases WHERE pool_key = ? AND holder = ?")) {
            s.setString(1, pool.key());
            s.setString(2, holder);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }


}
