package dev.gemgate.app;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gemgate.upstream.fallback.* as an operator writes it (without Quarkus). */
class FallbackConfigTest {
    private static final ModelId PRO = ModelId.parse("gemini-3.1-pro-preview");
    private static final ModelId FLASH = ModelId.parse("gemini-3.6-flash");
    private static final ModelId LITE = ModelId.parse("gemini-2.5-flash-lite");
    private static final TenantId TENANT = new TenantId(UUID.randomUUID());
    private static final FallbackPolicyStore EMPTY = new FallbackPolicyStore() {
        @Override
        public Optional<FallbackPolicy> find(TenantId tenant) {
            return Optional.empty();
        }

        @Override
        public void save(TenantId tenant, FallbackPolicy policy) {
        }

        @Override
        public boolean remove(TenantId tenant) {
            return false;
        }

        @Override
        public Map<TenantId, FallbackPolicy> loadAll() {
            return Map.of();
        }
    };

    private static GemgateConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                })
                .build().getConfigMapping(GemgateConfig.class);
    }

    private static StoredFallbackPolicySource source(Map<String, String> properties) {
        return new FallbackWiring().fallbackPolicies(config(properties), EMPTY);
    }

    @Test
    void noChainsByDefault() {
        StoredFallbackPolicySource source = source(Map.of());
        assertThat(source.configuredChains()).isEmpty();
        assertThat(source.chainFor(TENANT, PRO)).isEmpty();
    }

    @Test
    void quotedModelsWithCommaSeparatedChainsInOrder() {
        StoredFallbackPolicySource source = source(Map.of(
                "gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"", "gemini-3.6-flash, models/gemini-2.5-flash-lite",
                "gemgate.upstream.fallback.\"models/gemini-3.6-flash\"", "gemini-2.5-flash-lite"));
        assertThat(source.chainFor(TENANT, PRO)).containsExactly(FLASH, LITE);
        assertThat(source.chainFor(TENANT, FLASH)).containsExactly(LITE);
        assertThat(source.chainFor(TENANT, LITE)).isEmpty();
    }

    @Test
    void aBadSettingStopsTheStartNamingIt() {
        assertThatThrownBy(() -> source(Map.of("gemgate.upstream.fallback.\"Gemini Pro\"", "gemini-3.6-flash")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.upstream.fallback.\"Gemini Pro\"").hasMessageContaining("model name");
        assertThatThrownBy(() -> source(Map.of("gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"",
                "gemini-3.6-flash,Flash!")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"")
                .hasMessageContaining("'Flash!'");
        assertThatThrownBy(() -> source(Map.of("gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"",
                "gemini-3.6-flash,gemini-3.1-pro-preview")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"")
                .hasMessageContaining("names the model itself");
        assertThatThrownBy(() -> source(Map.of("gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"",
                "a,b,c,d,e")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than 4");
    }
}
