package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.TenantId;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch job queue on the real PostgreSQL (V27), with a second connection pool playing a second replica. Each test
 * uses its own far-future time window, so jobs of other tests are never due in it.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresBatchJobsTest {
    @Inject
    PostgresBatchJobs jobs;

    @Inject
    PostgresBudgetStore budgets;

    private static BatchJobs.Job job(Instant due) {
        return new BatchJobs.Job(UUID.randomUUID(), new TenantId(UUID.randomUUID()),
                UpstreamResourceName.of(ResourceKind.BATCH, UUID.randomUUID().toString().replace("-", "")),
                new RequestId("req-" + UUID.randomUUID()), Optional.of(new ReservationId(UUID.randomUUID())),
                Optional.of("alice"), due, 0);
    }

    private static Instant window() {
        // a window of its own per test: jobs of other tests (or runs) are never due in it
        return Instant.parse("2100-01-01T00:00:00Z").plus(Duration.ofDays(Math.floorMod(UUID.randomUUID()
                .getMostSignificantBits(), 3_000_000L)));
    }

    @Test
    void aJobRoundTripsAndIsLeasedUntilItsLeaseEndsThenRescheduledWithItsPollCounted() {
        Instant t0 = window();
        BatchJobs.Job job = job(t0);
        jobs.add(job);
        assertThat(jobs.find(job.resourceId())).contains(job);

        assertThat(jobs.claimDue("a", t0.minusSeconds(1), Duration.ofMinutes(2), 10))
                .noneMatch(j -> j.resourceId().equals(job.resourceId()));
        assertThat(jobs.claimDue("a", t0, Duration.ofMinutes(2), 10)).extracting(BatchJobs.Job::resourceId)
                .contains(job.resourceId());
        // leased: nobody else gets it until the lease ends
        assertThat(jobs.claimDue("b", t0.plusSeconds(60), Duration.ofMinutes(2), 10))
                .noneMatch(j -> j.resourceId().equals(job.resourceId()));
        assertThat(jobs.claimDue("b", t0.plusSeconds(120), Duration.ofMinutes(2), 10))
                .extracting(BatchJobs.Job::resourceId).contains(job.resourceId());
        // only the holder reschedules it
        jobs.reschedule(job.resourceId(), "a", t0.plusSeconds(1000));
        assertThat(jobs.find(job.resourceId()).orElseThrow().polls()).isZero();
        jobs.reschedule(job.resourceId(), "b", t0.plusSeconds(300));
        assertThat(jobs.find(job.resourceId()).orElseThrow()).satisfies(j -> {
            assertThat(j.polls()).isEqualTo(1);
            assertThat(j.nextPollAt()).isEqualTo(t0.plusSeconds(300));
        });
        assertThat(jobs.claimDue("a", t0.plusSeconds(299), Duration.ofMinutes(2), 10))
                .noneMatch(j -> j.resourceId().equals(job.resourceId()));

        assertThat(jobs.settled(job.resourceId())).isFalse();
        assertThat(jobs.markSettled(job.resourceId(), t0.plusSeconds(301))).isTrue();
        assertThat(jobs.markSettled(job.resourceId(), t0.plusSeconds(302))).isFalse();
        assertThat(jobs.settled(job.resourceId())).isTrue();
        assertThat(jobs.claimDue("a", t0.plusSeconds(10_000), Duration.ofMinutes(2), 10))
                .noneMatch(j -> j.resourceId().equals(job.resourceId()));
    }

    @Test
    void twoReplicasClaimingAndSettlingAtOnceNeverShareAJobAndSettleEachOnce() throws Exception {
        Instant t0 = window();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            BatchJobs.Job job = job(t0.plusMillis(i));
            jobs.add(job);
            ids.add(job.resourceId());
        }
        try (AgroalDataSource secondPool = SeparatePools.onTheTestDatabase(Duration.ofSeconds(5))) {
            PostgresBatchJobs other = new PostgresBatchJobs(secondPool, new DatabaseGuard(Duration.ofSeconds(2)));
            Set<UUID> claimedByA = ConcurrentHashMap.newKeySet();
            Set<UUID> claimedByB = ConcurrentHashMap.newKeySet();
            AtomicInteger settledA = new AtomicInteger();
            AtomicInteger settledB = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    work.add(pool.submit(() -> round(start, jobs, "a", t0, claimedByA, settledA)));
                    work.add(pool.submit(() -> round(start, other, "b", t0, claimedByB, settledB)));
                }
                start.countDown();
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Set<UUID> both = new java.util.HashSet<>(claimedByA);
            both.retainAll(claimedByB);
            assertThat(both).isEmpty();
            assertThat(claimedByA.size() + claimedByB.size()).isEqualTo(40);
            assertThat(settledA.get() + settledB.get()).isEqualTo(40);
            // both replicas try to settle every job once more: nobody wins again
            for (UUID id : ids) {
                assertThat(jobs.markSettled(id, t0.plusSeconds(5))).isFalse();
                assertThat(other.markSettled(id, t0.plusSeconds(5))).isFalse();
            }
        }
    }

    private static Void round(CountDownLatch start, PostgresBatchJobs store, String holder, Instant t0,
                              Set<UUID> claimed, AtomicInteger settled) throws InterruptedException {
        start.await();
        for (int i = 0; i < 10; i++) {
            for (BatchJobs.Job j : store.claimDue(holder, t0.plusSeconds(1), Duration.ofMinutes(5), 3)) {
                claimed.add(j.resourceId());
                if (store.markSettled(j.resourceId(), t0.plusSeconds(2))) {
                    settled.incrementAndGet();
                }
            }
        }
        return null;
    }

    @Test
    void aReservationRowIsReadBackWithItsAccountsAndExpiry() {
        Instant t0 = Instant.parse("2026-11-30T10:00:00.123456Z");
        ReservationId id = new ReservationId(UUID.randomUUID());
        BudgetStore.Reservation reservation = new BudgetStore.Reservation(id, new RequestId("r-" + id.value()),
                List.of("tenant:x:LIFETIME", "key:y:LIFETIME"), Money.ofMicros(1234), "replica-1", t0,
                t0.plus(Duration.ofHours(72)));
        assertThat(budgets.recordReservation(reservation)).isTrue();
        assertThat(budgets.reservation(id)).contains(reservation);
        assertThat(budgets.reservation(new ReservationId(UUID.randomUUID()))).isEmpty();
    }
}
