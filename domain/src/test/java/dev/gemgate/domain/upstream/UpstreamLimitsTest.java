package dev.gemgate.domain.upstream;

import dev.gemgate.domain.fakes.InMemoryAllowanceStore;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.LeasedQuotaLimiter;
import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.quota.RateLimitPolicy;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Google's configured limits per credential x model, and how the shared limiter counts them. */
class UpstreamLimitsTest {
    private static final UpstreamCredentialId CREDENTIAL = new UpstreamCredentialId("default");
    private static final TenantId TENANT = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final ApiKeyId KEY = new ApiKeyId(UUID.fromString("00000000-0000-0000-0000-0000000000b2"));
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final InMemoryAllowanceStore store = new InMemoryAllowanceStore();

    private static UpstreamLimits configured() {
        return new UpstreamLimits(Map.of(
                "gemini-2.5-flash", RateLimits.UNLIMITED.withRequestsPerMinute(1000).withTokensPerMinute(1_000_000)
                        .withRequestsPerDay(10_000),
                "gemini-2.5-*", RateLimits.UNLIMITED.withRequestsPerMinute(150),
                "gemini-*", RateLimits.UNLIMITED.withRequestsPerMinute(5),
                "*", RateLimits.UNLIMITED.withRequestsPerDay(100)));
    }

    private LeasedQuotaLimiter limiter() {
        return new LeasedQuotaLimiter(new RateLimitPolicy(RateLimitSource.defaults(RateLimits.UNLIMITED,
                RateLimits.UNLIMITED, RateLimits.UNLIMITED)), store, new LeasedQuotaLimiter.Settings(0.1,
                Duration.ofSeconds(10)));
    }

    private QuotaDecision admit(LeasedQuotaLimiter limiter, List<RateLimit> limits, long tokens) {
        return limiter.admit(QuotaRequest.call(TENANT, KEY, FLASH, tokens), limits, clock.instant());
    }

    @Test
    void theMostSpecificPatternWinsAndEachModelKeepsItsOwnBuckets() {
        UpstreamLimits limits = configured();

        assertThat(limits.limitsFor(CREDENTIAL, FLASH)).extracting(RateLimit::name, l -> l.bucket().key(),
                        l -> l.bucket().shape(), RateLimit::limit)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("UpstreamRequestsPerDay", "upstream:default:gemini-2.5-flash:rpd",
                                Bucket.Shape.PER_DAY_PACIFIC, 10_000L),
                        org.assertj.core.groups.Tuple.tuple("UpstreamRequestsPerMinute",
                                "upstream:default:gemini-2.5-flash:rpm", Bucket.Shape.PER_MINUTE, 1000L),
                        org.assertj.core.groups.Tuple.tuple("UpstreamTokensPerMinute",
                                "upstream:default:gemini-2.5-flash:tpm", Bucket.Shape.PER_MINUTE, 1_000_000L));
        assertThat(limits.limitsFor(CREDENTIAL, ModelId.parse("gemini-2.5-pro")))
                .extracting(l -> l.bucket().key(), RateLimit::limit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("upstream:default:gemini-2.5-pro:rpm", 150L));
        assertThat(limits.of(ModelId.parse("gemini-3-pro-preview")).requestsPerMinute()).hasValue(5);
        assertThat(limits.limitsFor(new UpstreamCredentialId("second"), ModelId.parse("text-embedding-004")))
                .extracting(l -> l.bucket().key())
                .containsExactly("upstream:second:text-embedding-004:rpd");
        assertThat(UpstreamLimits.NONE.limitsFor(CREDENTIAL, FLASH)).isEmpty();
    }

    @Test
    void badPatternsAndConcurrencyLimitsAreRefusedNamingThem() {
        assertThatThrownBy(() -> new UpstreamLimits(Map.of("Gemini Flash", RateLimits.UNLIMITED)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Gemini Flash");
        assertThatThrownBy(() -> new UpstreamLimits(Map.of("gemini-2.5-flash",
                RateLimits.UNLIMITED.withConcurrentRequests(3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemini-2.5-flash");
    }

    @Test
    void theSharedLimiterCountsTheUpstreamsMinuteAcrossReplicasAndNamesItWhenItRefuses() {
        List<RateLimit> limits = new UpstreamLimits(Map.of("gemini-2.5-flash",
                RateLimits.UNLIMITED.withRequestsPerMinute(10))).limitsFor(CREDENTIAL, FLASH);
        LeasedQuotaLimiter first = limiter();
        LeasedQuotaLimiter second = limiter();
        int admitted = 0;
        for (int i = 0; i < 15; i++) {
            if (admit(i % 2 == 0 ? first : second, limits, 0) instanceof QuotaDecision.Admitted) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(10);
        QuotaDecision refusal = admit(first, limits, 0);
        assertThat(refusal).isInstanceOfSatisfying(QuotaDecision.Refused.class, r -> {
            assertThat(r.limit()).isEqualTo("UpstreamRequestsPerMinute");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(6)); // 10 a minute: one every 6 s
        });
    }

    @Test
    void theUpstreamsTokensAreCorrectedWithTheRealUsage() {
        List<RateLimit> limits = new UpstreamLimits(Map.of("gemini-2.5-flash",
                RateLimits.UNLIMITED.withTokensPerMinute(1000))).limitsFor(CREDENTIAL, FLASH);
        LeasedQuotaLimiter limiter = limiter();
        QuotaDecision.Admitted admitted = (QuotaDecision.Admitted) admit(limiter, limits, 900);
        assertThat(admit(limiter, limits, 900)).isInstanceOf(QuotaDecision.Refused.class);

        limiter.correct(admitted.ticket(), 100, clock.instant());

        assertThat(admit(limiter, limits, 800)).isInstanceOf(QuotaDecision.Admitted.class);
    }

    @Test
    void requestsPerDayResetAtMidnightPacificOnTheShortDayOfMarch() {
        // 2026-03-08 in Los Angeles runs from 08:00Z (midnight PST) to 07:00Z next day (midnight PDT): 23 hours
        clock.set(Instant.parse("2026-03-08T20:00:00Z"));
        List<RateLimit> limits = new UpstreamLimits(Map.of("*", RateLimits.UNLIMITED.withRequestsPerDay(2)))
                .limitsFor(CREDENTIAL, FLASH);
        LeasedQuotaLimiter limiter = limiter();
        assertThat(admit(limiter, limits, 0)).isInstanceOf(QuotaDecision.Admitted.class);
        assertThat(admit(limiter, limits, 0)).isInstanceOf(QuotaDecision.Admitted.class);

        assertThat(admit(limiter, limits, 0)).isInstanceOfSatisfying(QuotaDecision.Refused.class, r -> {
            assertThat(r.limit()).isEqualTo("UpstreamRequestsPerDay");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofHours(11));
        });
        clock.set(Instant.parse("2026-03-09T06:59:59Z"));
        assertThat(admit(limiter, limits, 0)).isInstanceOf(QuotaDecision.Refused.class);
        clock.set(Instant.parse("2026-03-09T07:00:00Z"));
        assertThat(admit(limiter, limits, 0)).isInstanceOf(QuotaDecision.Admitted.class);
    }

    @Test
    void requestsPerDayResetAtMidnightPacificOnTheLongDayOfNovember() {
        // 2026-11-01 in Los Angeles runs from 07:00Z (midnight PDT) to 08:00Z next day (midnight PST): 25 hours
        Bucket.Shape pacific = Bucket.Shape.PER_DAY_PACIFIC;
        assertThat(Duration.between(pacific.startOf(java.time.LocalDate.parse("2026-11-01")),
                pacific.startOf(java.time.LocalDate.parse("2026-11-02")))).isEqualTo(Duration.ofHours(25));
        clock.set(Instant.parse("2026-11-02T07:30:00Z")); // 23:30 PST on November 1st
        List<RateLimit> limits = new UpstreamLimits(Map.of("*", RateLimits.UNLIMITED.withRequestsPerDay(1)))
                .limitsFor(CREDENTIAL, FLASH);
        LeasedQuotaLimiter limiter = limiter();
        assertThat(admit(limiter, limits, 0)).isInstanceOf(QuotaDecision.Admitted.class);

        assertThat(admit(limiter, limits, 0)).isInstanceOfSatisfying(QuotaDecision.Refused.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(30)));
        clock.set(Instant.parse("2026-11-02T08:00:00Z"));
        assertThat(admit(limiter, limits, 0)).isInstanceOf(QuotaDecision.Admitted.class);
        // a UTC day would have reset at 00:00Z already; the Pacific bucket held until 08:00Z
        assertThat(store.available(limits.get(0).bucket(), clock.instant())).isZero();
    }
}
