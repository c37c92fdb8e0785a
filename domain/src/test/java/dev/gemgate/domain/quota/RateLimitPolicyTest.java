package dev.gemgate.domain.quota;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitPolicyTest {
    private static final TenantId TENANT = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final ApiKeyId KEY = new ApiKeyId(UUID.fromString("00000000-0000-0000-0000-0000000000b2"));
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");

    @Test
    void withoutLimitsNothingApplies() {
        RateLimitPolicy policy = new RateLimitPolicy(RateLimitSource.defaults(RateLimits.UNLIMITED,
                RateLimits.UNLIMITED, RateLimits.UNLIMITED));

        assertThat(policy.limitsFor(QuotaRequest.call(TENANT, KEY, MODEL, 100))).isEmpty();
    }

    @Test
    void eachConfiguredLimitHasItsBucketPerScopeDayLimitsFirst() {
        RateLimitPolicy policy = new RateLimitPolicy(RateLimitSource.defaults(
                RateLimits.UNLIMITED.withRequestsPerMinute(60).withRequestsPerDay(1000),
                RateLimits.UNLIMITED.withTokensPerMinute(100_000),
                RateLimits.UNLIMITED.withRequestsPerMinute(10)));

        assertThat(policy.limitsFor(QuotaRequest.call(TENANT, KEY, MODEL, 100)))
                .extracting(RateLimit::name, l -> l.bucket().key(), l -> l.bucket().shape(), RateLimit::limit)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("RequestsPerDayPerTenant",
                                "tenant:00000000-0000-0000-0000-0000000000a1:rpd", Bucket.Shape.PER_DAY_UTC, 1000L),
                        org.assertj.core.groups.Tuple.tuple("RequestsPerMinutePerTenant",
                                "tenant:00000000-0000-0000-0000-0000000000a1:rpm", Bucket.Shape.PER_MINUTE, 60L),
                        org.assertj.core.groups.Tuple.tuple("TokensPerMinutePerTenantPerModel",
                                "tenant-model:00000000-0000-0000-0000-0000000000a1:gemini-2.5-flash:tpm",
                                Bucket.Shape.PER_MINUTE, 100_000L),
                        org.assertj.core.groups.Tuple.tuple("RequestsPerMinutePerApiKey",
                                "key:00000000-0000-0000-0000-0000000000b2:rpm", Bucket.Shape.PER_MINUTE, 10L));
    }

    @Test
    void aModelReadCountsAgainstTheTenantAndKeyButNoModel() {
        RateLimitPolicy policy = new RateLimitPolicy(RateLimitSource.defaults(
                RateLimits.UNLIMITED.withRequestsPerMinute(60),
                RateLimits.UNLIMITED.withRequestsPerMinute(5),
                RateLimits.UNLIMITED.withRequestsPerMinute(10)));

        assertThat(policy.limitsFor(QuotaRequest.modelRead(TENANT, KEY))).extracting(RateLimit::name)
                .containsExactly("RequestsPerMinutePerTenant", "RequestsPerMinutePerApiKey");
    }

    @Test
    void aLimitIsFromOneToATrillionOrAbsent() {
        assertThatThrownBy(() -> RateLimits.UNLIMITED.withRequestsPerMinute(0))
                .hasMessageContaining("requests-per-minute must be from 1 to 100000000000")
                .hasMessageContaining("not 0");
        assertThatThrownBy(() -> RateLimits.UNLIMITED.withTokensPerMinute(-5))
                .hasMessageContaining("tokens-per-minute");
        assertThatThrownBy(() -> RateLimits.UNLIMITED.withRequestsPerDay(RateLimits.MAX + 1))
                .hasMessageContaining("requests-per-day");
        assertThat(RateLimits.UNLIMITED.withRequestsPerDay(RateLimits.MAX).requestsPerDay())
                .isEqualTo(OptionalLong.of(RateLimits.MAX));
    }
}
