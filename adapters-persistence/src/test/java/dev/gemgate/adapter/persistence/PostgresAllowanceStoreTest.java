package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.quota.AllowanceStore.Grant;
import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.Bucket.Shape;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fleet-wide allowance on the real PostgreSQL: time is the {@code now} each call passes (never a sleep), and two
 * store instances on two connection pools stand for two replicas.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresAllowanceStoreTest {
    private static final Instant T0 = Instant.parse("2031-03-01T12:00:00Z");

    @Inject
    PostgresAllowanceStore store;

    @Inject
    DataSource dataSource;

    private static Bucket perMinute(String key, long limit) {
        return new Bucket(key, Shape.PER_MINUTE, limit);
    }

    private static Bucket perDay(String key, long limit) {
        return new Bucket(key, Shape.PER_DAY_UTC, limit);
    }

    private static String newKey() {
        return "test:" + UUID.randomUUID() + ":requests-per-minute";
    }

    @Test
    void the_first_take_creates_the_bucket_full_and_takes_from_it() {
        Bucket bucket = perMinute(newKey(), 120);

        Grant grant = store.take(bucket, 1, 30, T0);

        assertThat(grant.units()).isEqualTo(30);
        assertThat(grant.remaining()).isEqualTo(90);
        assertThat(grant.untilMinimum()).isZero();
        // 30 units at 120 per minute come back in 15 s
        assertThat(grant.resetIn()).isEqualTo(Duration.ofSeconds(15));
        assertThat(row(bucket.key())).isEqualTo(new Row("PER_MINUTE", 120, 90 * PostgresAllowanceStore.TICKS_PER_UNIT,
                30, T0));
    }

    @Test
    void a_take_gets_what_it_wants_then_what_is_left_then_nothing_with_the_time_until_the_minimum() {
        Bucket bucket = perMinute(newKey(), 10);

        assertThat(store.take(bucket, 1, 7, T0).units()).isEqualTo(7);
        Grant partial = store.take(bucket, 1, 5, T0);
        assertThat(partial.units()).isEqualTo(3);
        assertThat(partial.remaining()).isZero();
        assertThat(partial.resetIn()).isEqualTo(Duration.ofMinutes(1));

        Grant none = store.take(bucket, 2, 5, T0);
        assertThat(none.units()).isZero();
        assertThat(none.remaining()).isZero();
        // 2 units at 10 per minute: 12 s
        assertThat(none.untilMinimum()).isEqualTo(Duration.ofSeconds(12));
        assertThat(none.resetIn()).isEqualTo(Duration.ofMinutes(1));

        Grant stillShort = store.take(bucket, 2, 5, T0.plusSeconds(6));
        assertThat(stillShort.units()).isZero();
        assertThat(stillShort.remaining()).isEqualTo(1);
        assertThat(stillShort.untilMinimum()).isEqualTo(Duration.ofSeconds(6));

        Grant atTheMinimum = store.take(bucket, 2, 5, T0.plusSeconds(12));
        assertThat(atTheMinimum.units()).isEqualTo(2);
        assertThat(atTheMinimum.untilMinimum()).isZero();
    }

    @Test
    void the_bucket_refills_continuously_to_the_microsecond_and_never_above_its_limit() {
        // one unit per second
        Bucket bucket = perMinute(newKey(), 60);
        assertThat(store.take(bucket, 60, 60, T0).units()).isEqualTo(60);

        Grant early = store.take(bucket, 1, 1, T0.plus(999_999, ChronoUnit.MICROS));
        assertThat(early.units()).isZero();
        assertThat(early.untilMinimum()).isEqualTo(Duration.of(1, ChronoUnit.MICROS));
        assertThat(store.take(bucket, 1, 1, T0.plusSeconds(1)).units()).isEqualTo(1);

        // the window edge: a full minute after it was emptied the bucket is full, one microsecond before it is not
        Instant emptied = T0.plusSeconds(100);
        assertThat(store.take(bucket, 1, 1_000, emptied).units()).isEqualTo(60);
        Grant justBefore = store.take(bucket, 60, 60, emptied.plusSeconds(60).minus(1, ChronoUnit.MICROS));
        assertThat(justBefore.units()).isZero();
        assertThat(justBefore.remaining()).isEqualTo(59);
        assertThat(justBefore.untilMinimum()).isEqualTo(Duration.of(1, ChronoUnit.MICROS));
        Grant atTheEdge = store.take(bucket, 60, 60, emptied.plusSeconds(60));
        assertThat(atTheEdge.units()).isEqualTo(60);

        // ten idle minutes fill it once, not ten times
        Grant afterIdling = store.take(bucket, 1, 1_000, emptied.plusSeconds(60 + 600));
        assertThat(afterIdling.units()).isEqualTo(60);
        assertThat(afterIdling.resetIn()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void fractions_of_a_unit_accumulate_across_takes_without_rounding_loss() {
        // 7 per minute: one unit every 8.571428... s; many small steps must add up exactly
        Bucket bucket = perMinute(newKey(), 7);
        assertThat(store.take(bucket, 7, 7, T0).units()).isEqualTo(7);
        for (int micros = 1; micros <= 1_000; micros++) {
            assertThat(store.take(bucket, 1, 1, T0.plus(micros * 997L, ChronoUnit.MICROS)).units()).isZero();
        }
        // a minute after the bucket was emptied it holds exactly its limit again
        Grant refilled = store.take(bucket, 7, 7, T0.plusSeconds(60));
        assertThat(refilled.units()).isEqualTo(7);
        assertThat(row(bucket.key()).heldTicks()).isZero();
    }

    @Test
    void a_lagging_clock_refills_nothing_and_cannot_credit_the_same_time_twice() {
        Bucket bucket = perMinute(newKey(), 60);
        assertThat(store.take(bucket, 60, 60, T0).units()).isEqualTo(60);
        assertThat(store.take(bucket, 1, 100, T0.plusSeconds(10)).units()).isEqualTo(10);

        // a replica whose clock is 5 s behind
        Grant lagging = store.take(bucket, 1, 100, T0.plusSeconds(5));
        assertThat(lagging.units()).isZero();
        assertThat(row(bucket.key()).refilledAt()).isEqualTo(T0.plusSeconds(10));

        assertThat(store.take(bucket, 1, 100, T0.plusSeconds(11)).units()).isEqualTo(1);
    }

    @Test
    void a_lowered_limit_caps_what_the_bucket_holds_and_a_raised_one_keeps_it() {
        String key = newKey();
        assertThat(store.take(perMinute(key, 100), 1, 10, T0).remaining()).isEqualTo(90);

        Grant lowered = store.take(perMinute(key, 50), 1, 1, T0);
        assertThat(lowered.units()).isEqualTo(1);
        assertThat(lowered.remaining()).isEqualTo(49);

        Grant raised = store.take(perMinute(key, 200), 1, 1, T0);
        assertThat(raised.units()).isEqualTo(1);
        assertThat(raised.remaining()).isEqualTo(48);
        // 152 units at 200 per minute
        assertThat(raised.resetIn()).isEqualTo(Duration.ofMillis(45_600));
        assertThat(row(key).limit()).isEqualTo(200);

        // refilled at the new rate, up to the new limit
        Grant later = store.take(perMinute(key, 200), 1, 1_000, T0.plusSeconds(60));
        assertThat(later.units()).isEqualTo(200);
    }

    @Test
    void a_per_day_bucket_is_full_again_at_midnight_utc_and_not_a_microsecond_before() {
        Bucket bucket = perDay("test:" + UUID.randomUUID() + ":requests-per-day", 5);
        Instant lastMicroOfTheDay = Instant.parse("2031-03-01T23:59:59.999999Z");
        assertThat(store.take(bucket, 1, 3, Instant.parse("2031-03-01T00:00:00Z")).units()).isEqualTo(3);
        Grant rest = store.take(bucket, 1, 5, Instant.parse("2031-03-01T18:00:00Z"));
        assertThat(rest.units()).isEqualTo(2);
        assertThat(rest.resetIn()).isEqualTo(Duration.ofHours(6));

        Grant none = store.take(bucket, 1, 1, lastMicroOfTheDay);
        assertThat(none.units()).isZero();
        assertThat(none.untilMinimum()).isEqualTo(Duration.of(1, ChronoUnit.MICROS));
        assertThat(none.resetIn()).isEqualTo(Duration.of(1, ChronoUnit.MICROS));

        Grant nextDay = store.take(bucket, 1, 2, Instant.parse("2031-03-02T00:00:00Z"));
        assertThat(nextDay.units()).isEqualTo(2);
        assertThat(nextDay.remaining()).isEqualTo(3);
        assertThat(nextDay.resetIn()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void units_given_back_on_the_same_day_return_and_across_midnight_are_ignored() {
        Bucket bucket = perDay("test:" + UUID.randomUUID() + ":requests-per-day", 10);
        Instant evening = Instant.parse("2031-03-01T23:00:00Z");
        assertThat(store.take(bucket, 1, 10, evening).units()).isEqualTo(10);

        store.giveBack(bucket, 4, evening, evening.plusSeconds(60));
        assertThat(store.take(bucket, 1, 10, evening.plusSeconds(120)).units()).isEqualTo(4);

        // given back after midnight by the replica that took them: the day they belong to has ended
        store.giveBack(bucket, 4, evening, Instant.parse("2031-03-02T00:00:01Z"));
        // given back by a replica whose clock still says yesterday, after another one reset the bucket today
        Instant today = Instant.parse("2031-03-02T00:00:02Z");
        assertThat(store.take(bucket, 1, 3, today).remaining()).isEqualTo(7);
        store.giveBack(bucket, 3, evening, Instant.parse("2031-03-01T23:59:59Z"));

        assertThat(store.take(bucket, 1, 100, today).units()).isEqualTo(7);
    }

    @Test
    void a_pacific_day_bucket_resets_at_midnight_in_los_angeles_across_the_spring_change_not_at_midnight_utc() {
        Bucket bucket = new Bucket("upstream:default:" + UUID.randomUUID() + ":rpd", Shape.PER_DAY_PACIFIC, 5);
        // 2031-03-09 is the spring change: that day in Los Angeles runs from 08:00Z (PST) to 07:00Z next day (PDT)
        assertThat(store.take(bucket, 5, 5, Instant.parse("2031-03-09T20:00:00Z")).units()).isEqualTo(5);

        Grant afterUtcMidnight = store.take(bucket, 1, 1, Instant.parse("2031-03-10T00:30:00Z"));
        assertThat(afterUtcMidnight.units()).isZero();
        assertThat(afterUtcMidnight.untilMinimum()).isEqualTo(Duration.ofMinutes(390));
        assertThat(store.take(bucket, 1, 1, Instant.parse("2031-03-10T06:59:59.999999Z")).units()).isZero();

        Grant nextDay = store.take(bucket, 1, 2, Instant.parse("2031-03-10T07:00:00Z"));
        assertThat(nextDay.units()).isEqualTo(2);
        assertThat(nextDay.resetIn()).isEqualTo(Duration.ofHours(24)); // a day of PDT: 07:00Z to 07:00Z
        assertThat(row(bucket.key()).shape()).isEqualTo("PER_DAY_PACIFIC");
    }

    @Test
    void units_of_a_pacific_day_given_back_return_the_same_day_and_are_ignored_after_its_midnight() {
        Bucket bucket = new Bucket("upstream:default:" + UUID.randomUUID() + ":rpd", Shape.PER_DAY_PACIFIC, 10);
        Instant lateEvening = Instant.parse("2031-11-03T07:30:00Z"); // 23:30 PST on November 2nd
        assertThat(store.take(bucket, 1, 10, lateEvening).units()).isEqualTo(10);

        store.giveBack(bucket, 4, lateEvening, lateEvening.plusSeconds(60));
        assertThat(store.take(bucket, 1, 10, lateEvening.plusSeconds(120)).units()).isEqualTo(4);

        Instant midnightPacific = Instant.parse("2031-11-03T08:00:00Z");
        store.giveBack(bucket, 4, lateEvening, midnightPacific);
        assertThat(store.take(bucket, 1, 100, midnightPacific).units()).isEqualTo(10);
    }

    @Test
    void give_back_never_fills_a_bucket_above_its_limit() {
        Bucket bucket = perMinute(newKey(), 10);
        assertThat(store.take(bucket, 1, 4, T0).units()).isEqualTo(4);

        store.giveBack(bucket, 100, T0, T0);
        assertThat(row(bucket.key()).heldTicks()).isEqualTo(10 * PostgresAllowanceStore.TICKS_PER_UNIT);
        assertThat(store.take(bucket, 1, 100, T0).units()).isEqualTo(10);

        // against a lowered limit, the lower one caps
        store.giveBack(perMinute(bucket.key(), 3), 8, T0, T0);
        assertThat(store.take(perMinute(bucket.key(), 3), 1, 100, T0).units()).isEqualTo(3);

        // an unknown bucket is not created by a give-back
        String unknown = newKey();
        store.giveBack(perMinute(unknown, 10), 5, T0, T0);
        assertThat(rowExists(unknown)).isFalse();
    }

    @Test
    void a_take_that_could_never_be_granted_is_refused_before_the_database() {
        Bucket bucket = perMinute(newKey(), 10);
        assertThatThrownBy(() -> store.take(bucket, 11, 11, T0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never be granted");
        assertThatThrownBy(() -> store.take(bucket, 0, 1, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.take(bucket, 3, 2, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.take(perMinute(newKey(), PostgresAllowanceStore.MAX_LIMIT + 1), 1, 1, T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(rowExists(bucket.key())).isFalse();
    }

    @Test
    void the_largest_limit_refills_and_gives_back_without_overflow() {
        long max = PostgresAllowanceStore.MAX_LIMIT;
        Bucket bucket = perMinute(newKey(), max);
        assertThat(store.take(bucket, 1, Long.MAX_VALUE, T0).units()).isEqualTo(max);
        store.giveBack(bucket, max, T0, T0);
        assertThat(store.take(bucket, 1, 1, T0.plusSeconds(3_600)).remaining()).isEqualTo(max - 1);
        store.giveBack(bucket, Long.MAX_VALUE, T0, T0);
        assertThat(row(bucket.key()).heldTicks()).isEqualTo(max * PostgresAllowanceStore.TICKS_PER_UNIT);
    }

    @Test
    void an_unreachable_database_is_service_unavailable_not_an_internal_error() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (AgroalDataSource unreachable = SeparatePools.pool("jdbc:postgresql://127.0.0.1:" + deadPort + "/postgres",
                Duration.ofMillis(200))) {
            PostgresAllowanceStore cutOff = new PostgresAllowanceStore(unreachable,
                    new DatabaseGuard(Duration.ofSeconds(2)));
            Bucket bucket = perMinute(newKey(), 10);
            assertThatThrownBy(() -> cutOff.take(bucket, 1, 1, T0)).isInstanceOf(ServiceUnavailableException.class);
            assertThatThrownBy(() -> cutOff.giveBack(bucket, 1, T0, T0))
                    .isInstanceOf(ServiceUnavailableException.class);
        }
    }

    /**
     * Two replicas (two stores, two connection pools) and many threads take from one fresh bucket at one instant: the
     * first use races too. Together they get exactly the limit, never more; a minute later exactly the limit again.
     */
    @Test
    void two_replicas_hammering_one_bucket_never_take_more_than_it_holds() throws Exception {
        long limit = 5_000;
        int threadsPerReplica = 8;
        Bucket bucket = perMinute(newKey(), limit);
        try (AgroalDataSource secondPool = SeparatePools.onTheTestDatabase(Duration.ofSeconds(5))) {
            PostgresAllowanceStore replicaA = store;
            PostgresAllowanceStore replicaB = new PostgresAllowanceStore(secondPool,
                    new DatabaseGuard(Duration.ofSeconds(2)));
            ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerReplica);
            try {
                for (Instant now : List.of(T0, T0.plusSeconds(60))) {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<long[]>> takers = new ArrayList<>();
                    for (int i = 0; i < 2 * threadsPerReplica; i++) {
                        PostgresAllowanceStore replica = i % 2 == 0 ? replicaA : replicaB;
                        takers.add(threads.submit(takeUntilRefused(replica, bucket, now, start)));
                    }
                    long started = System.nanoTime();
                    start.countDown();
                    long granted = 0;
                    long takes = 0;
                    for (Future<long[]> taker : takers) {
                        long[] result = taker.get(30, TimeUnit.SECONDS);
                        granted += result[0];
                        takes += result[1];
                    }
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    System.out.printf("ALLOWANCE-RACE %d threads on 2 pools: %d granted of %d in %d takes, %d ms%n",
                            takers.size(), granted, limit, takes, millis);
                    assertThat(granted).as("granted at " + now).isEqualTo(limit);
                    assertThat(row(bucket.key()).heldTicks()).isZero();
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** Takes 1 to 10 units at a time until a take is refused; returns {granted, takes}. */
    private static Callable<long[]> takeUntilRefused(PostgresAllowanceStore replica, Bucket bucket, Instant now,
                                                     CountDownLatch start) {
        return () -> {
            start.await();
            long granted = 0;
            long takes = 0;
            while (true) {
                long units = replica.take(bucket, 1, ThreadLocalRandom.current().nextLong(1, 11), now).units();
                takes++;
                if (units == 0) {
                    return new long[] {granted, takes};
                }
                granted += units;
            }
        };
    }



    private record Row(String shape, long limit, long heldTicks, long grantedUnits, Instant refilledAt) {
    }

    private Row row(String key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT shape, bucket_limit, held_ticks, granted_units, refilled_at FROM quota_buckets "
                        + "WHERE bucket_key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("bucket " + key + " exists").isTrue();
                return new Row(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4),
                        r.getTimestamp(5).toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean rowExists(String key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM quota_buckets WHERE bucket_key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
