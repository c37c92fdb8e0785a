package dev.gemgate.app;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.ConcurrencyLimitedQuotaLimiter;
import dev.gemgate.domain.quota.LeasedQuotaLimiter;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gemgate.quota.* as an operator writes it, read into the limits and settings of the limiter (without Quarkus). */
class QuotaConfigTest {
    private static final TenantId TENANT = new TenantId(new UUID(1, 1));

    private static GemgateConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                })
                .build().getConfigMapping(GemgateConfig.class);
    }

    private static RateLimitSource source(Map<String, String> properties) {
        return new QuotaWiring().rateLimitSource(config(properties));
    }

    @Test
    void nothingIsLimitedByDefault() {
        RateLimitSource source = source(Map.of());

        assertThat(source.tenant(TENANT)).isEqualTo(RateLimits.UNLIMITED);
        assertThat(source.tenantModel(TENANT, ModelId.parse("gemini-2.5-flash"))).isEqualTo(RateLimits.UNLIMITED);
        assertThat(source.apiKey(TENANT, new ApiKeyId(new UUID(2, 2)))).isEqualTo(RateLimits.UNLIMITED);
        assertThat(QuotaWiring.settings(config(Map.of()).quota())).isEqualTo(LeasedQuotaLimiter.Settings.DEFAULT);
    }

    @Test
    void eachScopeHasItsOwnThreeLimits() {
        RateLimitSource source = source(Map.of(
                "gemgate.quota.tenant.requests-per-minute", "600",
                "gemgate.quota.tenant.requests-per-day", "100000",
                "gemgate.quota.tenant-model.tokens-per-minute", "2000000",
                "gemgate.quota.key.requests-per-minute", "60",
                "gemgate.quota.slice-fraction", "0.1",
                "gemgate.quota.idle-slice-timeout", "30s"));

        assertThat(source.tenant(TENANT)).isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(600)
                .withRequestsPerDay(100_000));
        assertThat(source.tenantModel(TENANT, ModelId.parse("gemini-2.5-flash")))
                .isEqualTo(RateLimits.UNLIMITED.withTokensPerMinute(2_000_000));
        assertThat(source.apiKey(TENANT, new ApiKeyId(new UUID(2, 2))))
                .isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(60));
        assertThat(QuotaWiring.settings(config(Map.of("gemgate.quota.slice-fraction", "0.1",
                "gemgate.quota.idle-slice-timeout", "30s")).quota()))
                .isEqualTo(new LeasedQuotaLimiter.Settings(0.1, Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1000000000001"})
    void aNegativeZeroOrAbsurdLimitStopsTheStartNamingTheSetting(String value) {
        assertThatThrownBy(() -> source(Map.of("gemgate.quota.tenant-model.tokens-per-minute", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("gemgate.quota.tenant-model.tokens-per-minute must be from 1 to 100000000000")
                .hasMessageEndingWith("not " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1.5", "-0.1"})
    void aSliceFractionOutsideZeroToOneStopsTheStart(String value) {
        GemgateConfig config = config(Map.of("gemgate.quota.slice-fraction", value));

        assertThatThrownBy(() -> QuotaWiring.settings(config.quota())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.quota.slice-fraction");
    }

    @Test
    void concurrencyLeasesDefaultToA30sTtlAndA1sRetryAfterAndTakeTheirSettings() {
        assertThat(QuotaWiring.concurrencySettings(config(Map.of()).quota())).isEqualTo(
                new ConcurrencyLimitedQuotaLimiter.Settings(0.05, Duration.ofSeconds(30), Duration.ofSeconds(10),
                        Duration.ofSeconds(1)));
        assertThat(QuotaWiring.concurrencySettings(config(Map.of("gemgate.quota.concurrency-lease-ttl", "12s",
                "gemgate.quota.concurrency-heartbeat", "3s", "gemgate.quota.concurrency-retry-after", "250ms"))
                .quota())).isEqualTo(new ConcurrencyLimitedQuotaLimiter.Settings(0.05, Duration.ofSeconds(12),
                Duration.ofSeconds(10), Duration.ofMillis(250)));
    }

    @Test
    void aHeartbeatNotBelowTheLeaseTtlStopsTheStart() {
        GemgateConfig config = config(Map.of("gemgate.quota.concurrency-lease-ttl", "10s",
                "gemgate.quota.concurrency-heartbeat", "10s"));

        assertThatThrownBy(() -> QuotaWiring.concurrencySettings(config.quota()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.quota.concurrency-heartbeat");
    }
}
