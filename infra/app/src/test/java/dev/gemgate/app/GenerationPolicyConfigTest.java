package dev.gemgate.app;

import dev.gemgate.adapter.web.TenantRequestLimits;
import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.generation.InlineLimits;
import dev.gemgate.domain.generation.MediaBounds;
import dev.gemgate.domain.generation.ModelId;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gemgate.generation.* as an operator writes it, read into the policy the use cases enforce (without Quarkus). */
class GenerationPolicyConfigTest {
    private static GenerationPolicy policy(Map<String, String> properties) {
        GemgateConfig config = new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                })
                .build().getConfigMapping(GemgateConfig.class);
        return new UseCaseProducers().generationPolicy(config);
    }

    @Test
    void withoutModelEntriesEveryModelHasTheDefaults() {
        GenerationPolicy policy = policy(Map.of());

        assertThat(policy.inlineLimits(ModelId.parse("gemini-2.5-flash")))
                .isEqualTo(new InlineLimits(20L * 1024 * 1024, 50L * 1024 * 1024));
        assertThat(policy.mediaBounds()).isEqualTo(MediaBounds.defaults());
        assertThat(policy.largestInlineBytes()).isEqualTo(20L * 1024 * 1024);
    }

    @Test
    void modelEntriesAreQuotedNamesOrPrefixesAndInheritWhatTheyLeaveOut() {
        GenerationPolicy policy = policy(Map.of(
                "gemgate.generation.max-inline-bytes", "1000",
                "gemgate.generation.max-inline-pdf-bytes", "500",
                "gemgate.generation.models.\"gemini-3.*\".max-inline-bytes", "104857600",
                "gemgate.generation.models.\"gemini-3.6-flash\".max-inline-pdf-bytes", "52428800",
                "gemgate.generation.file-data.video-seconds", "120",
                "gemgate.generation.max-input-tokens", "2097152"));

        assertThat(policy.inlineLimits(ModelId.parse("gemini-2.5-flash"))).isEqualTo(new InlineLimits(1000, 500));
        assertThat(policy.inlineLimits(ModelId.parse("gemini-3.5-flash")))
                .isEqualTo(new InlineLimits(104_857_600, 500));
        // an exact name beats the prefix, and what it leaves out is the default's, not the prefix's
        assertThat(policy.inlineLimits(ModelId.parse("gemini-3.6-flash")))
                .isEqualTo(new InlineLimits(1000, 52_428_800));
        assertThat(policy.mediaBounds()).isEqualTo(new MediaBounds(120, 3600, 300, 100_000, 2_097_152));
        // the HTTP body limit lets the largest model's inline data through (base64 plus 1 MiB of JSON)
        assertThat(new UseCaseProducers().tenantRequestLimits(policy))
                .isEqualTo(TenantRequestLimits.forInlineBytes(104_857_600));
    }

    @Test
    void aKeyThatIsNoModelNameFailsStartNamingTheKey() {
        assertThatThrownBy(() -> policy(Map.of("gemgate.generation.models.\"Gemini Pro\".max-inline-bytes", "1")))
                .hasMessageContaining("gemgate.generation.models.\"Gemini Pro\"");
    }
}
