package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.alert.AlertDelivery;
import dev.gemgate.domain.alert.AttemptResult;
import dev.gemgate.domain.alert.DeliveryPage;
import dev.gemgate.domain.alert.DeliverySearch;
import dev.gemgate.domain.alert.DeliveryStatus;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook deliveries on the real PostgreSQL. Each test has its own era of {@code now} (never a sleep) and leaves
 * nothing pending in it, so the claims of one test never see another's rows; two stores on two connection pools stand
 * for two replicas.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresAlertDeliveryStoreTest {
    @Inject
    PostgresAlertDeliveryStore store;

    private static AlertDelivery pending(TenantId tenant, Instant at) {
        return AlertDelivery.pending(UUID.randomUUID(), tenant, "{\"n\":\"" + UUID.randomUUID() + "\"}", at);
    }

    private static AttemptResult failed(Instant at) {
        return new AttemptResult(DeliveryStatus.FAILED, OptionalInt.empty(), Optional.of("test over"),
                Optional.empty(), at);
    }

    @Test
    void two_replicas_claiming_at_once_never_claim_the_same_attempt_and_together_claim_every_due_delivery()
            throws Exception {
        Instant due = Instant.parse("2001-01-01T00:00:00Z");
        Instant now = due.plusSeconds(1);
        TenantId tenant = new TenantId(UUID.randomUUID());
        Set<UUID> added = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            AlertDelivery d = pending(tenant, due.plusMillis(i));
            store.add(d);
            added.add(d.id());
        }
        AlertDelivery notYetDue = pending(tenant, now.plusSeconds(60));
        store.add(notYetDue);

        try (AgroalDataSource secondPool = SeparatePools.onTheTestDatabase(Duration.ofSeconds(5))) {
            PostgresAlertDeliveryStore replica = new PostgresAlertDeliveryStore(secondPool,
                    new DatabaseGuard(Duration.ofSeconds(2)));
            List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
            List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> claimers = new ArrayList<>();
            try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
                for (int t = 0; t < 8; t++) {
                    PostgresAlertDeliveryStore mine = t % 2 == 0 ? store : replica;
                    claimers.add(threads.submit(() -> {
                        start.await();
                        List<AlertDelivery> got;
                        do {
                            got = mine.claimDue(now, 3, Duration.ofHours(1));
                            got.forEach(d -> {
                                claimed.add(d.id());
                                attempts.add(d.attempts());
                            });
                        } while (!got.isEmpty());
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> claimer : claimers) {
                    claimer.get();
                }
            }

            assertThat(claimed).as("no attempt claimed twice").doesNotHaveDuplicates();
            assertThat(new HashSet<>(claimed)).as("every due delivery claimed, nothing else").isEqualTo(added);
            assertThat(attempts).as("each claim is the first attempt").allMatch(a -> a == 1);
            assertThat(store.claimDue(now, 100, Duration.ofHours(1))).as("claimed rows wait for their lease").isEmpty();

            // a replica that claimed and died: the deliveries are due again once the lease is over, as attempt 2
            Instant afterLease = now.plus(Duration.ofHours(1));
            List<AlertDelivery> again = new ArrayList<>(replica.claimDue(afterLease, 100, Duration.ofHours(1)));
            assertThat(again.removeIf(d -> d.id().equals(notYetDue.id()) && d.attempts() == 1))
                    .as("the one due later, now due, at its first attempt").isTrue();
            assertThat(again).extracting(AlertDelivery::id).containsExactlyInAnyOrderElementsOf(added);
            assertThat(again).allMatch(d -> d.attempts() == 2);
            // the dead replica's late answer to attempt 1 is not recorded over attempt 2
            assertThat(store.record(again.getFirst().id(), 1, failed(afterLease))).isFalse();
            again.forEach(d -> assertThat(store.record(d.id(), 2, failed(afterLease))).isTrue());
            store.record(notYetDue.id(), 1, failed(afterLease)); // nothing left pending in this era
        }
    }

    @Test
    void an_attempt_is_recorded_as_a_retry_then_delivered_and_a_finished_delivery_is_never_claimed_again() {
        Instant t0 = Instant.parse("2000-06-01T00:00:00Z");
        TenantId tenant = new TenantId(UUID.randomUUID());
        AlertDelivery added = pending(tenant, t0);
        store.add(added);
        store.add(added); // added again after a failure elsewhere: still one row

        AlertDelivery first = store.claimDue(t0, 10, Duration.ofMinutes(1)).getFirst();
        assertThat(first.id()).isEqualTo(added.id());
        assertThat(first.payload()).isEqualTo(added.payload());
        Instant retryAt = t0.plusSeconds(2);
        assertThat(store.record(first.id(), 1, new AttemptResult(DeliveryStatus.PENDING, OptionalInt.of(503),
                Optional.of("HTTP 503"), Optional.of(retryAt), t0))).isTrue();

        assertThat(store.claimDue(retryAt.minusNanos(1000), 10, Duration.ofMinutes(1))).isEmpty();
        AlertDelivery second = store.claimDue(retryAt, 10, Duration.ofMinutes(1)).getFirst();
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.lastStatusCode()).isEqualTo(OptionalInt.of(503));
        assertThat(store.record(second.id(), 2, new AttemptResult(DeliveryStatus.DELIVERED, OptionalInt.of(200),
                Optional.empty(), Optional.empty(), retryAt))).isTrue();

        assertThat(store.claimDue(retryAt.plus(Duration.ofDays(1)), 10, Duration.ofMinutes(1)))
                .extracting(AlertDelivery::id).doesNotContain(added.id());
        AlertDelivery delivered = store.search(new DeliverySearch(Optional.of(tenant), Optional.empty(), 10,
                Optional.empty())).deliveries().getFirst();
        assertThat(delivered.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(delivered.lastStatusCode()).isEqualTo(OptionalInt.of(200));
        assertThat(delivered.lastError()).isEmpty();
        assertThat(delivered.deliveredAt()).contains(retryAt);
        assertThat(delivered.nextAttemptAt()).isEmpty();
        assertThat(store.record(second.id(), 2, failed(retryAt))).as("a finished delivery stays finished").isFalse();
    }

    @Test
    void a_search_pages_newest_first_by_tenant_and_status() {
        TenantId tenant = new TenantId(UUID.randomUUID());
        Instant t0 = Instant.parse("2999-01-01T00:00:00Z"); // pending rows due far in the future: no claim sees them
        List<UUID> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AlertDelivery d = pending(tenant, t0.plusSeconds(i));
            store.add(d);
            newestFirst.addFirst(d.id());
        }
        store.add(pending(new TenantId(UUID.randomUUID()), t0.plusSeconds(10))); // another tenant's

        DeliveryPage first = store.search(new DeliverySearch(Optional.of(tenant), Optional.empty(), 2,
                Optional.empty()));
        DeliveryPage second = store.search(new DeliverySearch(Optional.of(tenant), Optional.empty(), 2, first.next()));
        DeliveryPage third = store.search(new DeliverySearch(Optional.of(tenant), Optional.empty(), 2, second.next()));

        assertThat(first.deliveries()).extracting(AlertDelivery::id).isEqualTo(newestFirst.subList(0, 2));
        assertThat(second.deliveries()).extracting(AlertDelivery::id).isEqualTo(newestFirst.subList(2, 4));
        assertThat(third.deliveries()).extracting(AlertDelivery::id).isEqualTo(newestFirst.subList(4, 5));
        assertThat(third.next()).isEmpty();
        assertThat(store.search(new DeliverySearch(Optional.of(tenant), Optional.of(DeliveryStatus.DELIVERED), 10,
                Optional.empty())).deliveries()).isEmpty();
        assertThat(store.search(new DeliverySearch(Optional.of(tenant), Optional.of(DeliveryStatus.PENDING), 10,
                Optional.empty())).deliveries()).hasSize(5);
    }
}
