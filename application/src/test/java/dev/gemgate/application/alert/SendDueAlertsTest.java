package dev.gemgate.application.alert;

import dev.gemgate.domain.alert.AlertDelivery;
import dev.gemgate.domain.alert.AlertDeliveryStore;
import dev.gemgate.domain.alert.AttemptResult;
import dev.gemgate.domain.alert.DeliveryPage;
import dev.gemgate.domain.alert.DeliverySearch;
import dev.gemgate.domain.alert.DeliveryStatus;
import dev.gemgate.domain.alert.RetryPolicy;
import dev.gemgate.domain.alert.WebhookResponse;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SendDueAlertsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(5));

    /** The store's contract in memory: claims bump attempts and lease; records only for the current attempt. */
    static final class Store implements AlertDeliveryStore {
        final Map<UUID, AlertDelivery> rows = new LinkedHashMap<>();

        @Override
        public synchronized void add(AlertDelivery delivery) {
            rows.putIfAbsent(delivery.id(), delivery);
        }

        @Override
        public synchronized List<AlertDelivery> claimDue(Instant now, int max, Duration lease) {
            List<AlertDelivery> claimed = new ArrayList<>();
            for (AlertDelivery d : List.copyOf(rows.values())) {
                if (claimed.size() < max && d.status() == DeliveryStatus.PENDING
                        && !d.nextAttemptAt().orElseThrow().isAfter(now)) {
                    AlertDelivery c = new AlertDelivery(d.id(), d.tenant(), d.payload(), d.status(), d.attempts() + 1,
                            Optional.of(now.plus(lease)), d.lastStatusCode(), d.lastError(), d.createdAt(),
                            d.deliveredAt());
                    rows.put(d.id(), c);
                    claimed.add(c);
                }
            }
            return claimed;
        }

        @Override
        public synchronized boolean record(UUID id, int attempt, AttemptResult r) {
            AlertDelivery d = rows.get(id);
            if (d == null || d.attempts() != attempt || d.status() != DeliveryStatus.PENDING) {
                return false;
            }
            rows.put(id, new AlertDelivery(id, d.tenant(), d.payload(), r.status(), attempt, r.nextAttemptAt(),
                    r.statusCode(), r.error(), d.createdAt(),
                    r.status() == DeliveryStatus.DELIVERED ? Optional.of(r.at()) : Optional.empty()));
            return true;
        }

        @Override
        public DeliveryPage search(DeliverySearch search) {
            throw new UnsupportedOperationException();
        }
    }

    private final Store store = new Store();
    private final Deque<WebhookResponse> answers = new ArrayDeque<>();
    private final List<Instant> sentAt = new ArrayList<>();
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final SendDueAlerts send = new SendDueAlerts(store, (id, at, body) -> {
        synchronized (answers) {
            sentAt.add(at);
            return answers.removeFirst();
        }
    }, POLICY, clock, () -> 0.0, 10, Duration.ofMinutes(1));

    private UUID pending() {
        UUID id = UUID.randomUUID();
        store.add(AlertDelivery.pending(id, new TenantId(UUID.randomUUID()), "{}", T0));
        return id;
    }

    @Test
    void aServerErrorIsRetriedAfterTheBackoffThenDelivered() {
        UUID id = pending();
        answers.add(new WebhookResponse.Answered(503));
        answers.add(new WebhookResponse.Answered(204));

        assertThat(send.execute()).isEqualTo(1);
        AlertDelivery afterFirst = store.rows.get(id);
        assertThat(afterFirst.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(afterFirst.lastStatusCode()).isEqualTo(OptionalInt.of(503));
        assertThat(afterFirst.nextAttemptAt()).contains(T0.plusMillis(500)); // 1 s, equal jitter at 0

        now = T0.plusMillis(499);
        assertThat(send.execute()).as("not due before the backoff").isZero();
        now = T0.plusMillis(500);
        assertThat(send.execute()).isEqualTo(1);

        AlertDelivery delivered = store.rows.get(id);
        assertThat(delivered.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(delivered.deliveredAt()).contains(now);
        assertThat(sentAt).containsExactly(T0, T0.plusMillis(500));
    }

    @Test
    void aClientErrorOtherThan408Or429IsNotRetried() {
        UUID id = pending();
        answers.add(new WebhookResponse.Answered(410));

        send.execute();

        AlertDelivery failed = store.rows.get(id);
        assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastError()).get().asString().contains("410");
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        UUID id = pending();
        for (int i = 0; i < 3; i++) {
            answers.add(new WebhookResponse.Unreachable("connection failed"));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(send.execute()).isEqualTo(1);
            now = now.plus(Duration.ofMinutes(10));
        }

        AlertDelivery failed = store.rows.get(id);
        assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).get().asString().contains("connection failed").contains("giving up");
        assertThat(send.execute()).isZero();
    }

    @Test
    void anAttemptLeftUnrecordedPastTheLastIsFailedWithoutSending() {
        UUID id = pending();
        for (int i = 0; i < 3; i++) {
            store.claimDue(now, 10, Duration.ofMinutes(1)); // three replicas that died mid-attempt
            now = now.plus(Duration.ofMinutes(2));
        }

        send.execute();

        assertThat(sentAt).isEmpty();
        assertThat(store.rows.get(id).status()).isEqualTo(DeliveryStatus.FAILED);
    }

    @Test
    void aBatchIsSentInParallelAndEveryAttemptRecorded() {
        List<UUID> ids = List.of(pending(), pending(), pending());
        answers.add(new WebhookResponse.Answered(200));
        answers.add(new WebhookResponse.Answered(500));
        answers.add(new WebhookResponse.Answered(200));

        assertThat(send.execute()).isEqualTo(3);

        assertThat(ids).extracting(id -> store.rows.get(id).status())
                .containsExactlyInAnyOrder(DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED, DeliveryStatus.PENDING);
        assertThat(ids).allMatch(id -> store.rows.get(id).attempts() == 1);
    }
}
