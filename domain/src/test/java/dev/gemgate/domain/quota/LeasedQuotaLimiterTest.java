package dev.gemgate.domain.quota;

import dev.gemgate.domain.fakes.InMemoryAllowanceStore;
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

class LeasedQuotaLimiterTest {
    private static final TenantId TENANT = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final ApiKeyId KEY = new ApiKeyId(UUID.fromString("00000000-0000-0000-0000-0000000000b2"));
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");
    private static final String TENANT_RPM = "tenant:" + TENANT + ":rpm";
    private static final String TENANT_TPM = "tenant:" + TENANT + ":tpm";
    private static final String TENANT_RPD = "tenant:" + TENANT + ":rpd";
    private static final Duration IDLE = Duration.ofSeconds(10);

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final InMemoryAllowanceStore store = new InMemoryAllowanceStore();

    private LeasedQuotaLimiter limiter(RateLimits tenant, RateLimits key, double sliceFraction) {
        return new LeasedQuotaLimiter(new RateLimitPolicy(RateLimitSource.defaults(tenant, RateLimits.UNLIMITED, key)),
                store, new LeasedQuotaLimiter.Settings(sliceFraction, IDLE));
    }

    private LeasedQuotaLimiter tenantLimiter(RateLimits tenant, double sliceFraction) {
        return limiter(tenant, RateLimits.UNLIMITED, sliceFraction);
    }

    private QuotaDecision admit(LeasedQuotaLimiter limiter, long tokens) {
        return limiter.admit(QuotaRequest.call(TENANT, KEY, MODEL, tokens), clock.instant());
    }

    private static QuotaDecision.Admitted admitted(QuotaDecision decision) {
        assertThat(decision).isInstanceOf(QuotaDecision.Admitted.class);
        return (QuotaDecision.Admitted) decision;
    }

    private static QuotaDecision.Refused refused(QuotaDecision decision) {
        assertThat(decision).isInstanceOf(QuotaDecision.Refused.class);
        return (QuotaDecision.Refused) decision;
    }

    private static Bucket perMinute(String key, long limit) {
        return new Bucket(key, Bucket.Shape.PER_MINUTE, limit);
    }

    @Test
    void withoutLimitsEverythingIsAdmittedAndTheStoreIsNeverAsked() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED, 0.05);

        QuotaDecision.Admitted a = admitted(admit(limiter, 1_000_000));

        assertThat(a.status()).isEqualTo(RateLimitStatus.NONE);
        assertThat(store.takeCalls()).isZero();
        assertThat(limiter.sliceCount()).isZero();
    }

    @Test
    void aFullBucketAdmitsABurstOfItsLimitThenTheNextRequestFitsExactlyWhenOneHasRefilled() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(60), 0.05);

        for (int i = 0; i < 60; i++) {
            admitted(admit(limiter, 10));
        }
        QuotaDecision.Refused refusal = refused(admit(limiter, 10));
        assertThat(refusal.limit()).isEqualTo("RequestsPerMinutePerTenant");
        assertThat(refusal.bucketKey()).endsWith(":rpm").startsWith("tenant:"); // the lane it may wait in
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(1));

        clock.advance(Duration.ofSeconds(1).minusNanos(1));
        assertThat(refused(admit(limiter, 10)).retryAfter()).isEqualTo(Duration.ofNanos(1));

        clock.advance(Duration.ofNanos(1));
        admitted(admit(limiter, 10));
        assertThat(refused(admit(limiter, 10)).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void overAnyIntervalABucketAdmitsItsLimitPlusWhatRefilled() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(60), 0.05);
        int admitted = 0;
        for (int step = 0; step < 3000; step++) { // one request every 100 ms for five minutes
            if (admit(limiter, 1) instanceof QuotaDecision.Admitted) {
                admitted++;
            }
            clock.advance(Duration.ofMillis(100));
        }

        // a full bucket (60), then one request a second: 299 more by the last attempt at 299.9 s
        assertThat(admitted).isEqualTo(60 + 299);
    }

    @Test
    void theLocalSliceServesRequestsWithoutAStoreCallUntilItRunsOut() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(1000), 0.05);

        for (int i = 0; i < 50; i++) {
            admitted(admit(limiter, 1));
        }
        assertThat(store.takeCalls()).isEqualTo(1);
        assertThat(limiter.held(TENANT_RPM)).isZero();

        admitted(admit(limiter, 1));
        assertThat(store.takeCalls()).isEqualTo(2);
        assertThat(limiter.held(TENANT_RPM)).isEqualTo(49);
    }

    @Test
    void aRefusalGivesBackWhatTheRequestTookFromItsOtherLimits() {
        LeasedQuotaLimiter limiter = limiter(RateLimits.UNLIMITED.withRequestsPerMinute(100),
                RateLimits.UNLIMITED.withRequestsPerMinute(2), 0.05);
        Bucket tenantRpm = perMinute(TENANT_RPM, 100);
        admitted(admit(limiter, 1));
        admitted(admit(limiter, 1));

        for (int i = 0; i < 50; i++) {
            QuotaDecision.Refused refusal = refused(admit(limiter, 1));
            assertThat(refusal.limit()).isEqualTo("RequestsPerMinutePerApiKey");
            assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        }

        // the tenant's bucket lost exactly the two admitted requests: the refused ones took nothing for good
        assertThat(store.available(tenantRpm, clock.instant()) + limiter.held(TENANT_RPM)).isEqualTo(98);
    }

    @Test
    void aRequestLargerThanTheLimitItselfIsRefusedForGoodWithoutTakingAnything() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(10)
                .withTokensPerMinute(1000), 0.05);

        QuotaDecision decision = admit(limiter, 1500);

        assertThat(decision).isEqualTo(new QuotaDecision.TooLarge("TokensPerMinutePerTenant", 1000, 1500));
        assertThat(store.takeCalls()).isZero();
    }

    @Test
    void tokensUnderTheEstimateGoBackIntoTheSliceAndServeTheNextRequest() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withTokensPerMinute(100_000), 0.05);
        QuotaDecision.Admitted first = admitted(admit(limiter, 4000));
        assertThat(store.takeCalls()).isEqualTo(1);
        assertThat(limiter.held(TENANT_TPM)).isEqualTo(1000);

        limiter.correct(first.ticket(), 1000, clock.instant());
        assertThat(limiter.held(TENANT_TPM)).isEqualTo(4000);

        admitted(admit(limiter, 4000));
        assertThat(store.takeCalls()).isEqualTo(1);
        assertThat(store.available(perMinute(TENANT_TPM, 100_000), clock.instant()) + limiter.held(TENANT_TPM))
                .isEqualTo(100_000 - 1000 - 4000);
    }

    @Test
    void whatACorrectionReturnsBeyondTheSliceGoesBackToTheStoreAtOnce() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withTokensPerMinute(100_000), 0.05);
        QuotaDecision.Admitted big = admitted(admit(limiter, 40_000)); // more than a slice: taken as is

        limiter.correct(big.ticket(), 500, clock.instant());

        assertThat(limiter.held(TENANT_TPM)).isEqualTo(5000);
        assertThat(store.unitsGivenBack()).isEqualTo(40_000 - 500 - 5000);
        assertThat(store.available(perMinute(TENANT_TPM, 100_000), clock.instant())).isEqualTo(100_000 - 500 - 5000);
    }

    @Test
    void tokensOverTheEstimateAreADebtPaidFromTheNextTakeNeverARefusalAfterTheFact() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withTokensPerMinute(100_000), 0.05);
        QuotaDecision.Admitted first = admitted(admit(limiter, 1000));
        assertThat(limiter.held(TENANT_TPM)).isEqualTo(4000);

        limiter.correct(first.ticket(), 10_000, clock.instant());
        assertThat(limiter.held(TENANT_TPM)).isEqualTo(-5000);

        admitted(admit(limiter, 1000));
        assertThat(limiter.held(TENANT_TPM)).isZero();
        // the fleet-wide bucket was charged the actual use: 10,000 + 1,000
        assertThat(store.unitsTaken()).isEqualTo(11_000);
        assertThat(store.available(perMinute(TENANT_TPM, 100_000), clock.instant())).isEqualTo(89_000);
    }

    @Test
    void aDebtBeyondAWholeBucketIsRepaidAtTheBucketsRateBeforeAnythingMoreIsAdmitted() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withTokensPerMinute(6000), 0.05);
        QuotaDecision.Admitted first = admitted(admit(limiter, 100)); // slice of 300 taken
        limiter.correct(first.ticket(), 12_100, clock.instant()); // holding 200 - 12,000

        // 11,900 missing: a whole bucket is taken as soon as it is full again (300 used: 3 s at 100 a second)
        assertThat(refused(admit(limiter, 100)).retryAfter()).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(3));
        // the full 6,000 repaid part of the debt; 5,900 are still missing, refilled in 59 s
        assertThat(refused(admit(limiter, 100)).retryAfter()).isEqualTo(Duration.ofSeconds(59));
        clock.advance(Duration.ofSeconds(59));
        admitted(admit(limiter, 100));

        assertThat(store.unitsTaken()).isEqualTo(12_100 + 100);
        assertThat(limiter.held(TENANT_TPM)).isZero();
    }

    @Test
    void twoInstancesOverOneStoreOfferedThreeTimesTheLimitAdmitExactlyTheLimitAndTheNextWindowAgain() throws Exception {
        RateLimits tenant = RateLimits.UNLIMITED.withRequestsPerMinute(1000).withTokensPerMinute(10_000_000);
        RateLimits key = RateLimits.UNLIMITED.withRequestsPerMinute(120);
        LeasedQuotaLimiter first = limiter(tenant, key, 0.05);
        LeasedQuotaLimiter second = limiter(tenant, key, 0.05);

        assertThat(offer(first, second, 360)).isEqualTo(120);
        // the tenant's buckets were charged for the admitted requests only: refusals by the key gave theirs back
        assertThat(store.available(perMinute(TENANT_RPM, 1000), clock.instant()) + first.held(TENANT_RPM)
                + second.held(TENANT_RPM)).isEqualTo(1000 - 120);
        assertThat(store.available(perMinute(TENANT_TPM, 10_000_000), clock.instant()) + first.held(TENANT_TPM)
                + second.held(TENANT_TPM)).isEqualTo(10_000_000 - 120 * 100);

        clock.advance(Duration.ofMinutes(1));
        assertThat(offer(first, second, 360)).isEqualTo(120);
    }

    /**
     * Offers {@code requests} at once from as many virtual threads, alternately to each instance, at one instant.
     * While the clock stands still the key's bucket does not refill, so its limit is all that can be admitted; and
     * since a request is refused only once its instance's slice and the store are both empty, exactly that many are.
     */
    private int offer(LeasedQuotaLimiter first, LeasedQuotaLimiter second, int requests) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                LeasedQuotaLimiter instance = i % 2 == 0 ? first : second;
                calls.add(threads.submit(() -> {
                    start.await();
                    QuotaDecision decision = admit(instance, 100);
                    if (decision instanceof QuotaDecision.Admitted) {
                        admitted.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        }
        return admitted.get();
    }

    @Test
    void idleSlicesGoBackToTheStoreOnFlush() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(100), 0.1);
        admitted(admit(limiter, 1));
        assertThat(limiter.held(TENANT_RPM)).isEqualTo(9);

        clock.advance(IDLE.minusMillis(1));
        limiter.flush(clock.instant());
        assertThat(limiter.held(TENANT_RPM)).isEqualTo(9);
        assertThat(store.giveBackCalls()).isZero();

        clock.advance(Duration.ofMillis(1));
        limiter.flush(clock.instant());
        assertThat(limiter.held(TENANT_RPM)).isZero();
        assertThat(limiter.sliceCount()).isZero();
        assertThat(store.unitsGivenBack()).isEqualTo(9);
    }

    @Test
    void aDebtIsRepaidByFlushEvenWithoutFurtherRequests() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withTokensPerMinute(100_000), 0.05);
        QuotaDecision.Admitted first = admitted(admit(limiter, 1000));
        limiter.correct(first.ticket(), 10_000, clock.instant());

        clock.advance(IDLE);
        limiter.flush(clock.instant());

        assertThat(store.unitsTaken() - store.unitsGivenBack()).isEqualTo(10_000);
        assertThat(limiter.sliceCount()).isZero();
    }

    @Test
    void releaseAllGivesEverySliceBack() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(100)
                .withTokensPerMinute(100_000), 0.1);
        QuotaDecision.Admitted a = admitted(admit(limiter, 3000));
        limiter.correct(a.ticket(), 2000, clock.instant());

        limiter.releaseAll(clock.instant());

        assertThat(limiter.sliceCount()).isZero();
        assertThat(store.unitsTaken() - store.unitsGivenBack()).isEqualTo(1 + 2000);
    }

    @Test
    void aPerDayLimitRefusesUntilMidnightUtcAndADaysSliceIsNeverSpentTheNextDay() {
        clock.set(Instant.parse("2026-12-01T23:59:00Z"));
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerDay(40), 0.1);
        Bucket rpd = new Bucket(TENANT_RPD, Bucket.Shape.PER_DAY_UTC, 40);
        for (int i = 0; i < 39; i++) {
            admitted(admit(limiter, 1));
        }
        admitted(admit(limiter, 1));
        QuotaDecision.Refused refusal = refused(admit(limiter, 1));
        assertThat(refusal.limit()).isEqualTo("RequestsPerDayPerTenant");
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMinutes(1));

        clock.advance(Duration.ofMinutes(1));
        admitted(admit(limiter, 1));
        assertThat(limiter.held(TENANT_RPD)).isEqualTo(3);
        assertThat(store.available(rpd, clock.instant())).isEqualTo(36);

        // a slice held into the next day is not spent there: the day's first request takes from the new day
        clock.advance(Duration.ofDays(1));
        admitted(admit(limiter, 1));
        assertThat(store.available(rpd, clock.instant())).isEqualTo(36);
        assertThat(limiter.held(TENANT_RPD)).isEqualTo(3);

        // nor given back into the new day by a flush
        clock.advance(Duration.ofDays(1));
        limiter.flush(clock.instant());
        assertThat(limiter.held(TENANT_RPD)).isZero();
        assertThat(store.available(rpd, clock.instant())).isEqualTo(40);
        assertThat(store.unitsGivenBack()).isZero();
    }

    @Test
    void theAdmissionCarriesTheTightestLimitOfRequestsAndOfTokensForTheHeaders() {
        LeasedQuotaLimiter limiter = limiter(RateLimits.UNLIMITED.withRequestsPerMinute(100).withTokensPerMinute(10_000),
                RateLimits.UNLIMITED.withRequestsPerMinute(10), 0.1);

        RateLimitStatus status = admitted(admit(limiter, 1000)).status();

        // the key's 10 a minute is tighter than the tenant's 100 (9 left, against 90 in the store + 9 held)
        assertThat(status.requests()).contains(new RateLimitStatus.Standing(10, 9, Duration.ofSeconds(6)));
        assertThat(status.tokens()).contains(new RateLimitStatus.Standing(10_000, 9000, Duration.ofSeconds(6)));

        clock.advance(Duration.ofSeconds(30)); // the key's bucket refills 5, the tenant's tokens 5,000
        RateLimitStatus later = admitted(admit(limiter, 1000)).status();
        assertThat(later.requests()).contains(new RateLimitStatus.Standing(10, 9, Duration.ofSeconds(6)));
        assertThat(later.tokens()).contains(new RateLimitStatus.Standing(10_000, 9000, Duration.ofSeconds(6)));
    }

    @Test
    void aStoreFailureGivesBackWhatTheRequestTookAndPropagates() {
        RateLimits tenant = RateLimits.UNLIMITED.withRequestsPerMinute(100);
        RateLimits key = RateLimits.UNLIMITED.withRequestsPerMinute(100);
        AllowanceStore failingForKeys = new AllowanceStore() {
            @Override
            public Grant take(Bucket bucket, long minimum, long wanted, Instant now) {
                if (bucket.key().startsWith("key:")) {
                    throw new IllegalStateException("database down");
                }
                return store.take(bucket, minimum, wanted, now);
            }

            @Override
            public void giveBack(Bucket bucket, long units, Instant takenAt, Instant now) {
                store.giveBack(bucket, units, takenAt, now);
            }
        };
        LeasedQuotaLimiter limiter = new LeasedQuotaLimiter(new RateLimitPolicy(RateLimitSource.defaults(tenant,
                RateLimits.UNLIMITED, key)), failingForKeys, new LeasedQuotaLimiter.Settings(0.05, IDLE));

        assertThatThrownBy(() -> admit(limiter, 1)).hasMessage("database down");

        assertThat(limiter.held(TENANT_RPM)).isEqualTo(5);
        assertThat(store.available(perMinute(TENANT_RPM, 100), clock.instant())).isEqualTo(95);
    }

    @Test
    void aRequestWithoutTokensTakesNoTokensButItsRequestCounts() {
        LeasedQuotaLimiter limiter = tenantLimiter(RateLimits.UNLIMITED.withRequestsPerMinute(2)
                .withTokensPerMinute(1000), 0.5);

        admitted(admit(limiter, 0));
        admitted(admit(limiter, 0));
        assertThat(refused(admit(limiter, 0)).limit()).isEqualTo("RequestsPerMinutePerTenant");
        assertThat(store.available(perMinute(TENANT_TPM, 1000), clock.instant())).isEqualTo(1000);
    }
}
