package dev.gemgate.application.request;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryAllowanceStore;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.LeasedQuotaLimiter;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.quota.RateLimitPolicy;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import dev.gemgate.domain.waiting.WaitingRoom;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one admission path with the waiting room: a request its rate limits refuse for now waits for room instead of
 * failing, within the maximum wait and the caller's deadline; one too large for a limit never waits; a HIGH tenant
 * goes before an earlier NORMAL one in a shared lane. The clock is moved by hand.
 */
class WaitingForQuotaTest {
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");
    private static final Caller NORMAL = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final Caller VIP = new Caller(new TenantId(new UUID(3, 3)), new ApiKeyId(new UUID(4, 4)));

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final WaitingRoom room = new WaitingRoom(new WaitingRoom.Settings(Duration.ofSeconds(10), 100), clock,
            WaitingRoom.Observer.NONE);
    private final RateLimitSource sixtyAMinute = priorities(RateLimits.UNLIMITED.withRequestsPerMinute(60)
            .withTokensPerMinute(1_000));

    private static RateLimitSource priorities(RateLimits tenantLimits) {
        RateLimitSource defaults = RateLimitSource.defaults(tenantLimits, RateLimits.UNLIMITED, RateLimits.UNLIMITED);
        return new RateLimitSource() {
            @Override
            public RateLimits tenant(TenantId tenant) {
                return defaults.tenant(tenant);
            }

            @Override
            public RateLimits tenantModel(TenantId tenant, ModelId model) {
                return defaults.tenantModel(tenant, model);
            }

            @Override
            public RateLimits apiKey(TenantId tenant, ApiKeyId key) {
                return defaults.apiKey(tenant, key);
            }

            @Override
            public PriorityClass priority(TenantId tenant) {
                return tenant.equals(VIP.tenant()) ? PriorityClass.HIGH : PriorityClass.NORMAL;
            }
        };
    }

    private Admission admission(QuotaLimiter limiter, RateLimitSource source) {
        RequestMetrics metrics = new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        };
        return new Admission(limiter, InMemoryBudgetLedger.noBudgets(), new RequestRecorder(audit, metrics),
                new SequentialIdGenerator(), clock, room, source, new UpstreamGate(UpstreamGate.Settings.DEFAULT),
                UpstreamLimits.NONE);
    }

    private Admission leased() {
        return admission(new LeasedQuotaLimiter(new RateLimitPolicy(sixtyAMinute), new InMemoryAllowanceStore(),
                new LeasedQuotaLimiter.Settings(0.05, Duration.ofSeconds(10))), sixtyAMinute);
    }

    private static RequestContext context(Caller caller, Optional<Instant> deadline) {
        return new RequestContext(caller, new RequestId("req-" + UUID.randomUUID()), Optional.empty(),
                Optional.empty(), deadline);
    }

    private static Ticket admit(Admission admission, Caller caller, Optional<Instant> deadline, long tokens) {
        Ticket ticket = admission.open(context(caller, deadline), AuditEventType.GENERATE_CONTENT, MODEL,
                Optional.empty(), Optional.empty());
        ticket.admitQuota(tokens);
        return ticket;
    }

    private CompletableFuture<Ticket> admitInBackground(Admission admission, Caller caller) {
        CompletableFuture<Ticket> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(admit(admission, caller, Optional.empty(), 1));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private void awaitWaiting(int count) {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (room.waiting() != count) {
            assertThat(System.nanoTime()).as("requests waiting").isLessThan(giveUp);
            Thread.onSpinWait();
        }
    }

    @Test
    void aRequestRefusedForNowWaitsForTheBucketToRefillAndIsAdmitted() throws Exception {
        Admission admission = leased();
        for (int i = 0; i < 60; i++) {
            admit(admission, NORMAL, Optional.empty(), 1);
        }

        CompletableFuture<Ticket> waiting = admitInBackground(admission, NORMAL);
        awaitWaiting(1);
        assertThat(waiting).isNotDone();

        clock.advance(Duration.ofSeconds(1)); // one request refills a second
        room.wakeAll();

        Ticket admitted = waiting.get(10, TimeUnit.SECONDS);
        assertThat(admitted.rateLimits().requests()).isPresent();
        assertThat(room.waiting()).isZero();
    }

    @Test
    void aCallerDeadlineShorterThanTheWaitIsRefusedAtOnceWithTheRealRetryAfter() {
        Admission admission = leased();
        for (int i = 0; i < 60; i++) {
            admit(admission, NORMAL, Optional.empty(), 1);
        }
        clock.advance(Duration.ofMillis(200)); // the next request fits in 0.8 s

        Optional<Instant> deadline = Optional.of(clock.instant().plusMillis(500));
        assertThatThrownBy(() -> admit(admission, NORMAL, deadline, 1))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.limitName()).isEqualTo("RequestsPerMinutePerTenant");
                    assertThat(e.retryAfter()).contains(Duration.ofMillis(800));
                });
        assertThat(room.waiting()).isZero();
    }

    @Test
    void aRequestLargerThanALimitNeverWaits() {
        assertThatThrownBy(() -> admit(leased(), NORMAL, Optional.empty(), 5_000))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.limitName()).isEqualTo("TokensPerMinutePerTenant");
                    assertThat(e.retryAfter()).isEmpty();
                });
        assertThat(room.waiting()).isZero();
    }

    @Test
    void modelReadsWaitToo() throws Exception {
        Admission admission = leased();
        for (int i = 0; i < 60; i++) {
            admission.admitRead(NORMAL);
        }
        CompletableFuture<Object> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> read.complete(admission.admitRead(NORMAL)));
        awaitWaiting(1);

        clock.advance(Duration.ofSeconds(1));
        room.wakeAll();

        assertThat(read.get(10, TimeUnit.SECONDS)).isNotNull();
    }

    /**
     * A lane shared by tenants (as the upstream's credential x model will be): a limiter whose every refusal names one
     * bucket, admitting while it has units.
     */
    static final class SharedLimiter implements QuotaLimiter {
        final AtomicInteger units = new AtomicInteger();
        final List<TenantId> admitted = new CopyOnWriteArrayList<>();

        @Override
        public QuotaDecision admit(QuotaRequest request, Instant now) {
            if (units.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                return new QuotaDecision.Refused("RequestsPerMinutePerUpstream", Duration.ofSeconds(1), "upstream:k:m");
            }
            admitted.add(request.tenant());
            return new QuotaDecision.Admitted(new QuotaTicket(request));
        }

        @Override
        public QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now) {
            throw new UnsupportedOperationException("no upstream limits in these tests");
        }

        @Override
        public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        }
    }

    @Test
    void aHighTenantsWaitingRequestIsAdmittedBeforeAnEarlierNormalOneInASharedLane() throws Exception {
        SharedLimiter limiter = new SharedLimiter();
        Admission admission = admission(limiter, sixtyAMinute);
        CompletableFuture<Ticket> normal = admitInBackground(admission, NORMAL);
        awaitWaiting(1);
        CompletableFuture<Ticket> vip = admitInBackground(admission, VIP);
        awaitWaiting(2);

        limiter.units.set(1);
        clock.advance(Duration.ofSeconds(1));
        room.wakeAll();
        vip.get(10, TimeUnit.SECONDS);
        assertThat(normal).isNotDone();

        limiter.units.set(1);
        clock.advance(Duration.ofSeconds(1));
        room.wakeAll();
        normal.get(10, TimeUnit.SECONDS);

        assertThat(limiter.admitted).containsExactly(VIP.tenant(), NORMAL.tenant());
    }

    @Test
    void theUpstreamWaitOfARequestEndsWithinTheMaximumWaitFromItsOpeningAndNeverPastItsDeadline() {
        Admission admission = leased();
        Instant opened = clock.instant();

        // a request that already waited for its own limits has only the rest of the 10 s for the upstream's
        assertThat(admission.waitDeadline(opened, Optional.empty())).contains(opened.plusSeconds(10));
        assertThat(admission.waitDeadline(opened, Optional.of(opened.plusSeconds(3)))).contains(opened.plusSeconds(3));
        assertThat(admission.waitDeadline(opened, Optional.of(opened.plusSeconds(30))))
                .contains(opened.plusSeconds(10));
    }
}
