package dev.gemgate.domain.quota;

import dev.gemgate.domain.fakes.InMemoryAllowanceStore;
import dev.gemgate.domain.fakes.InMemoryPermitStore;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrencyLimitedQuotaLimiterTest {
    private static final TenantId TENANT = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final ApiKeyId KEY = new ApiKeyId(UUID.fromString("00000000-0000-0000-0000-0000000000b2"));
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");
    private static final String TENANT_POOL = "tenant:" + TENANT + ":concurrent";
    private static final String KEY_POOL = "key:" + KEY + ":concurrent";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final InMemoryPermitStore permits = new InMemoryPermitStore();
    private final InMemoryAllowanceStore allowance = new InMemoryAllowanceStore();

    private ConcurrencyLimitedQuotaLimiter limiter(String holder, RateLimits tenant, RateLimits key,
                                                   double sliceFraction) {
        RateLimitSource source = RateLimitSource.defaults(tenant, RateLimits.UNLIMITED, key);
        LeasedQuotaLimiter rates = new LeasedQuotaLimiter(new RateLimitPolicy(source), allowance,
                new LeasedQuotaLimiter.Settings(0.05, IDLE));
        return new ConcurrencyLimitedQuotaLimiter(rates, source, permits, holder,
                new ConcurrencyLimitedQuotaLimiter.Settings(sliceFraction, TTL, IDLE, RETRY_AFTER));
    }

    private ConcurrencyLimitedQuotaLimiter tenantLimiter(String holder, long concurrent, double sliceFraction) {
        return limiter(holder, RateLimits.UNLIMITED.withConcurrentRequests(concurrent), RateLimits.UNLIMITED,
                sliceFraction);
    }

    private QuotaDecision admit(QuotaLimiter limiter) {
        return limiter.admit(QuotaRequest.call(TENANT, KEY, MODEL, 10), clock.instant());
    }

    private static QuotaTicket admitted(QuotaDecision decision) {
        assertThat(decision).isInstanceOf(QuotaDecision.Admitted.class);
        return ((QuotaDecision.Admitted) decision).ticket();
    }

    private static QuotaDecision.Refused refused(QuotaDecision decision) {
        assertThat(decision).isInstanceOf(QuotaDecision.Refused.class);
        return (QuotaDecision.Refused) decision;
    }

    private List<QuotaTicket> admitMany(QuotaLimiter limiter, int n) {
        List<QuotaTicket> tickets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tickets.add(admitted(admit(limiter)));
        }
        return tickets;
    }

    private void finish(QuotaLimiter limiter, QuotaTicket ticket) {
        limiter.finish(ticket, 10, clock.instant());
    }

    @Test
    void admitsUpToTheLimitInFlightRefusesTheNextAndAdmitsAgainOnceOneFinishes() {
        ConcurrencyLimitedQuotaLimiter limiter = tenantLimiter("a", 3, 0.05);

        List<QuotaTicket> inFlight = admitMany(limiter, 3);
        QuotaDecision.Refused refusal = refused(admit(limiter));

        assertThat(refusal.limit()).isEqualTo("ConcurrentRequestsPerTenant");
        assertThat(refusal.retryAfter()).isEqualTo(RETRY_AFTER);
        // the lane a refused request waits in is this tenant's pool, not every tenant's limit of that name
        assertThat(refusal.bucketKey()).isEqualTo(TENANT_POOL);
        assertThat(inFlight.getFirst().permits().count()).isEqualTo(1);

        finish(limiter, inFlight.getFirst());

        assertThat(inFlight.getFirst().permits().count()).isZero();
        admitted(admit(limiter));
        refused(admit(limiter));
    }

    @Test
    void aPermitIsReturnedExactlyOnceHoweverOftenTheRequestIsFinished() {
        ConcurrencyLimitedQuotaLimiter limiter = tenantLimiter("a", 2, 0.05);
        List<QuotaTicket> inFlight = admitMany(limiter, 2);

        finish(limiter, inFlight.get(0));
        finish(limiter, inFlight.get(0));
        finish(limiter, inFlight.get(0));

        assertThat(limiter.inUse(TENANT_POOL)).isEqualTo(1);
        admitted(admit(limiter));
        refused(admit(limiter));
    }

    @Test
    void everyScopeTakesItsOwnPermitAndTheTightestRefusesNamingItself() {
        ConcurrencyLimitedQuotaLimiter limiter = limiter("a", RateLimits.UNLIMITED.withConcurrentRequests(5),
                RateLimits.UNLIMITED.withConcurrentRequests(2), 0.05);

        List<QuotaTicket> inFlight = admitMany(limiter, 2);

        assertThat(inFlight.getFirst().permits().count()).isEqualTo(2);
        assertThat(refused(admit(limiter)).limit()).isEqualTo("ConcurrentRequestsPerApiKey");
        // the tenant's permit taken before the key refused went back
        assertThat(limiter.inUse(TENANT_POOL)).isEqualTo(2);
        assertThat(limiter.inUse(KEY_POOL)).isEqualTo(2);
    }

    @Test
    void modelReadsTakeNoPermit() {
        ConcurrencyLimitedQuotaLimiter limiter = tenantLimiter("a", 1, 0.05);
        admitted(admit(limiter));

        QuotaTicket read = admitted(limiter.admit(QuotaRequest.modelRead(TENANT, KEY), clock.instant()));

        assertThat(read.permits().count()).isZero();
        assertThat(permits.leaseCalls()).isEqualTo(1);
    }

    @Test
    void permitsComeFromTheStoreInSlicesAndAreHandedOutLocally() {
        ConcurrencyLimitedQuotaLimiter limiter = tenantLimiter("a", 100, 0.1);

        List<QuotaTicket> inFlight = admitMany(limiter, 25);

        // 10 permits a lease: 3 store calls for 25 requests
        assertThat(permits.leaseCalls()).isEqualTo(3);
        assertThat(limiter.leased(TENANT_POOL)).isEqualTo(30);
        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isEqualTo(30);

        inFlight.forEach(t -> finish(limiter, t));

        // at most one slice stays free locally; the rest went back to the pool
        assertThat(limiter.inUse(TENANT_POOL)).isZero();
        assertThat(limiter.leased(TENANT_POOL)).isEqualTo(10);
        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isEqualTo(10);
        // the kept slice serves the next requests without the store
        long calls = permits.leaseCalls();
        admitMany(limiter, 10);
        assertThat(permits.leaseCalls()).isEqualTo(calls);
    }

    @Test
    void twoInstancesShareOnePoolAndNeverHoldMoreThanTheLimitTogether() {
        ConcurrencyLimitedQuotaLimiter a = tenantLimiter("a", 10, 0.3);
        ConcurrencyLimitedQuotaLimiter b = tenantLimiter("b", 10, 0.3);

        List<QuotaTicket> onA = admitMany(a, 6);
        int onB = 0;
        while (admit(b) instanceof QuotaDecision.Admitted) {
            onB++;
        }

        assertThat(onB).isEqualTo(4);
        refused(admit(a));
        finish(a, onA.getFirst());
        // the permit stayed in a's lease (within a slice): a admits, b still does not
        refused(admit(b));
        admitted(admit(a));
    }

    @Test
    void aCrashedInstancesLeaseExpiresAndItsPermitsComeBack() {
        ConcurrencyLimitedQuotaLimiter crashed = tenantLimiter("crashed", 4, 0.05);
        ConcurrencyLimitedQuotaLimiter survivor = tenantLimiter("survivor", 4, 0.05);
        admitMany(crashed, 4);
        refused(admit(survivor));

        clock.advance(TTL.minusMillis(1));
        survivor.heartbeat(clock.instant());
        refused(admit(survivor));

        clock.advance(Duration.ofMillis(1));
        survivor.heartbeat(clock.instant());

        admitMany(survivor, 4);
        refused(admit(survivor));
    }

    @Test
    void aLeaseTheStoreDroppedIsForgottenAtTheNextHeartbeatEvenIfThisInstancesClockSaysItIsLive() {
        ConcurrencyLimitedQuotaLimiter slow = tenantLimiter("slow-clock", 4, 1);
        ConcurrencyLimitedQuotaLimiter fast = tenantLimiter("fast-clock", 4, 1);
        List<QuotaTicket> inFlight = admitMany(slow, 2);

        // the other replica's clock runs a ttl ahead: to it the lease has expired, so it drops it and takes all 4
        Instant ahead = clock.instant().plus(TTL).plusSeconds(1);
        for (int i = 0; i < 4; i++) {
            assertThat(fast.admit(QuotaRequest.call(TENANT, KEY, MODEL, 10), ahead))
                    .isInstanceOf(QuotaDecision.Admitted.class);
        }

        // this instance still believes in its lease (2 free permits) until its heartbeat learns the store dropped it
        clock.advance(Duration.ofSeconds(1));
        slow.heartbeat(clock.instant());
        assertThat(slow.leased(TENANT_POOL)).isZero();
        refused(admit(slow));
        inFlight.forEach(ticket -> finish(slow, ticket)); // late returns of the dropped lease change nothing
        refused(admit(slow));
    }

    @Test
    void aHeartbeatKeepsALiveLeaseBeyondItsTtl() {
        ConcurrencyLimitedQuotaLimiter live = tenantLimiter("live", 4, 0.05);
        ConcurrencyLimitedQuotaLimiter other = tenantLimiter("other", 4, 0.05);
        List<QuotaTicket> inFlight = admitMany(live, 4);

        for (int i = 0; i < 10; i++) {
            clock.advance(TTL.dividedBy(3));
            live.heartbeat(clock.instant());
            refused(admit(other));
        }

        inFlight.forEach(t -> finish(live, t));
        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isEqualTo(1);
        admitMany(other, 3);
    }

    @Test
    void anInstanceWhoseLeaseLapsedForgetsItAndDropsTheLateReturns() {
        ConcurrencyLimitedQuotaLimiter paused = tenantLimiter("paused", 4, 0.5);
        ConcurrencyLimitedQuotaLimiter other = tenantLimiter("other", 4, 0.5);
        List<QuotaTicket> stuck = admitMany(paused, 2);

        clock.advance(TTL);
        admitMany(other, 4);
        // the accuracy bound: 2 old requests still run while 4 new ones hold every permit
        paused.heartbeat(clock.instant());
        assertThat(paused.leased(TENANT_POOL)).isZero();

        stuck.forEach(t -> finish(paused, t));

        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isEqualTo(4);
        refused(admit(paused));
    }

    @Test
    void idleFreePermitsGoBackAtAHeartbeatAndAllGoBackAtShutdown() {
        ConcurrencyLimitedQuotaLimiter limiter = tenantLimiter("a", 20, 0.25);
        List<QuotaTicket> inFlight = admitMany(limiter, 6);
        finish(limiter, inFlight.getFirst());
        assertThat(limiter.leased(TENANT_POOL)).isEqualTo(10);

        clock.advance(IDLE);
        limiter.heartbeat(clock.instant());

        assertThat(limiter.leased(TENANT_POOL)).isEqualTo(5);
        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isEqualTo(5);

        limiter.releaseAll(clock.instant());

        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isZero();
        inFlight.forEach(t -> finish(limiter, t));
        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isZero();
    }

    @Test
    void aRateRefusalReturnsThePermitsAndAPermitRefusalTakesNoRateAllowance() {
        ConcurrencyLimitedQuotaLimiter limiter = limiter("a",
                RateLimits.UNLIMITED.withConcurrentRequests(1).withRequestsPerMinute(2), RateLimits.UNLIMITED, 1);

        QuotaTicket first = admitted(admit(limiter));
        // refused by the permit: the rate allowance is untouched
        assertThat(refused(admit(limiter)).limit()).isEqualTo("ConcurrentRequestsPerTenant");
        finish(limiter, first);
        finish(limiter, admitted(admit(limiter)));
        // two requests spent the per-minute allowance; the third is refused by the rate and gives its permit back
        assertThat(refused(admit(limiter)).limit()).isEqualTo("RequestsPerMinutePerTenant");
        assertThat(limiter.inUse(TENANT_POOL)).isZero();

        clock.advance(Duration.ofSeconds(30));
        admitted(admit(limiter));
    }

    @Test
    void aRateLimiterFailureReturnsThePermits() {
        RateLimitSource source = RateLimitSource.defaults(RateLimits.UNLIMITED.withConcurrentRequests(1),
                RateLimits.UNLIMITED, RateLimits.UNLIMITED);
        QuotaLimiter broken = new QuotaLimiter() {
            @Override
            public QuotaDecision admit(QuotaRequest request, Instant now) {
                throw new IllegalStateException("store down");
            }

            @Override
            public QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now) {
                throw new IllegalStateException("store down");
            }

            @Override
            public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
            }
        };
        ConcurrencyLimitedQuotaLimiter limiter = new ConcurrencyLimitedQuotaLimiter(broken, source, permits, "a",
                new ConcurrencyLimitedQuotaLimiter.Settings(1, TTL, IDLE, RETRY_AFTER));

        assertThatThrownBy(() -> admit(limiter)).hasMessage("store down");
        assertThat(limiter.inUse(TENANT_POOL)).isZero();
    }

    @Test
    void finishCorrectsTheTokensAndReturnsThePermitsInOneCall() {
        ConcurrencyLimitedQuotaLimiter limiter = limiter("a",
                RateLimits.UNLIMITED.withConcurrentRequests(1).withTokensPerMinute(1_000), RateLimits.UNLIMITED, 1);
        QuotaTicket ticket = admitted(limiter.admit(QuotaRequest.call(TENANT, KEY, MODEL, 1_000), clock.instant()));
        refused(limiter.admit(QuotaRequest.call(TENANT, KEY, MODEL, 1), clock.instant()));

        limiter.finish(ticket, 400, clock.instant());

        // 600 tokens came back and the permit too
        admitted(limiter.admit(QuotaRequest.call(TENANT, KEY, MODEL, 600), clock.instant()));
    }

    @Test
    void manyThreadsOnTwoInstancesNeverHaveMoreThanTheLimitInFlight() throws Exception {
        int limit = 7;
        ConcurrencyLimitedQuotaLimiter a = tenantLimiter("a", limit, 0.3);
        ConcurrencyLimitedQuotaLimiter b = tenantLimiter("b", limit, 0.3);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        AtomicInteger admittedCount = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                ConcurrencyLimitedQuotaLimiter instance = w % 2 == 0 ? a : b;
                workers.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 2_000; i++) {
                        if (admit(instance) instanceof QuotaDecision.Admitted admittedDecision) {
                            highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            admittedCount.incrementAndGet();
                            inFlight.decrementAndGet();
                            finish(instance, admittedDecision.ticket());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(highest.get()).isLessThanOrEqualTo(limit);
        assertThat(admittedCount.get()).isPositive();
        assertThat(a.inUse(TENANT_POOL) + b.inUse(TENANT_POOL)).isZero();
        assertThat(permits.inUse(TENANT_POOL, clock.instant())).isLessThanOrEqualTo(limit);
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new ConcurrencyLimitedQuotaLimiter.Settings(0, TTL, IDLE, RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConcurrencyLimitedQuotaLimiter.Settings(0.1, Duration.ZERO, IDLE, RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
