package dev.gemgate.app;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gemgate.upstream.limits.* and gemgate.upstream.gate.* as an operator writes them (without Quarkus). */
class UpstreamLimitsConfigTest {
    private static final UpstreamCredentialId CREDENTIAL = new UpstreamCredentialId("configured-gemini");

    private static GemgateConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                })
                .build().getConfigMapping(GemgateConfig.class);
    }

    @Test
    void nothingIsCountedByDefaultAndTheGateStartsWideOpen() {
        GemgateConfig config = config(Map.of());

        assertThat(new UpstreamLimitsWiring().upstreamLimits(config).limitsFor(CREDENTIAL,
                ModelId.parse("gemini-2.5-flash"))).isEmpty();
        assertThat(new UpstreamLimitsWiring().upstreamGate(config).settings()).isEqualTo(UpstreamGate.Settings.DEFAULT);
    }

    @Test
    void limitsPerModelPatternWithGooglesPacificDay() {
        GemgateConfig config = config(Map.of(
                "gemgate.upstream.limits.\"gemini-2.5-flash\".requests-per-minute", "1000",
                "gemgate.upstream.limits.\"gemini-2.5-flash\".tokens-per-minute", "1000000",
                "gemgate.upstream.limits.\"gemini-2.5-flash\".requests-per-day", "10000",
                "gemgate.upstream.limits.\"gemini-3.*\".requests-per-minute", "25",
                "gemgate.upstream.limits.\"*\".requests-per-day", "500",
                "gemgate.upstream.gate.max-in-flight", "64",
                "gemgate.upstream.gate.default-cooldown", "30s"));

        UpstreamLimits limits = new UpstreamLimitsWiring().upstreamLimits(config);

        assertThat(limits.of(ModelId.parse("gemini-2.5-flash"))).isEqualTo(RateLimits.UNLIMITED
                .withRequestsPerMinute(1000).withTokensPerMinute(1_000_000).withRequestsPerDay(10_000));
        assertThat(limits.of(ModelId.parse("gemini-3.5-flash"))).isEqualTo(RateLimits.UNLIMITED
                .withRequestsPerMinute(25));
        assertThat(limits.limitsFor(CREDENTIAL, ModelId.parse("gemini-2.5-pro"))).singleElement().satisfies(l -> {
            assertThat(l.name()).isEqualTo("UpstreamRequestsPerDay");
            assertThat(l.bucket()).isEqualTo(new Bucket("upstream:configured-gemini:gemini-2.5-pro:rpd",
                    Bucket.Shape.PER_DAY_PACIFIC, 500));
        });
        assertThat(limits.limitsFor(CREDENTIAL, ModelId.parse("gemini-2.5-flash"))).extracting(RateLimit::name)
                .containsExactly("UpstreamRequestsPerDay", "UpstreamRequestsPerMinute", "UpstreamTokensPerMinute");
        assertThat(new UpstreamLimitsWiring().upstreamGate(config).settings())
                .isEqualTo(new UpstreamGate.Settings(64, Duration.ofSeconds(30)));
    }

    @Test
    void aBadSettingStopsTheStartNamingIt() {
        assertThatThrownBy(() -> new UpstreamLimitsWiring().upstreamLimits(config(Map.of(
                "gemgate.upstream.limits.\"gemini-2.5-flash\".requests-per-minute", "0"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.upstream.limits.\"gemini-2.5-flash\".requests-per-minute");
        assertThatThrownBy(() -> new UpstreamLimitsWiring().upstreamLimits(config(Map.of(
                "gemgate.upstream.limits.\"Gemini Flash\".requests-per-minute", "10"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.upstream.limits").hasMessageContaining("Gemini Flash");
        assertThatThrownBy(() -> new UpstreamLimitsWiring().upstreamGate(config(Map.of(
                "gemgate.upstream.gate.max-in-flight", "0"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("gemgate.upstream.gate");
    }
}
