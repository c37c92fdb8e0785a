package dev.gemgate.app;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The prod profile's refusals, checked on the typed configuration without starting anything. */
class ProductionSafetyTest {
    private static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private static GemgateConfig config(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build();
        return config.getConfigMapping(GemgateConfig.class);
    }

    @Test
    void theLocalDefaultsAreRefusedInProd() {
        assertThat(ProductionSafety.unsafeSettings(config(Map.of("gemgate.embedded-postgres.started", "true"))))
                .hasSize(5)
                .anySatisfy(p -> assertThat(p).contains("emulator"))
                .anySatisfy(p -> assertThat(p).contains("gemgate.vault.master-key"))
                .anySatisfy(p -> assertThat(p).contains("fingerprint-secret"))
                .anySatisfy(p -> assertThat(p).contains("embedded PostgreSQL"))
                .anySatisfy(p -> assertThat(p).contains("demo tenant"));
    }

    @Test
    void aRealUpstreamAndDatabaseWithoutSeedingPass() {
        GemgateConfig safe = config(Map.of("gemgate.upstream.mode", "gemini", "gemgate.upstream.api-key", "k",
                "gemgate.seed.demo-tenant", "false", "gemgate.vault.master-key", MASTER_KEY,
                "gemgate.security.fingerprint-secret", "a-real-secret-of-at-least-32-characters"));
        assertThat(ProductionSafety.unsafeSettings(safe)).isEmpty();
    }

    @Test
    void aBootstrapAdminTokenIsRefusedInProd() {
        GemgateConfig config = config(Map.of("gemgate.upstream.mode", "gemini", "gemgate.upstream.api-key", "k",
                "gemgate.seed.demo-tenant", "false", "gemgate.vault.master-key", MASTER_KEY,
                "gemgate.security.fingerprint-secret", "a-real-secret-of-at-least-32-characters",
                "gemgate.admin.bootstrap-token", "a-bootstrap-token-of-at-least-32-characters"));
        assertThat(ProductionSafety.unsafeSettings(config)).singleElement().asString()
                .contains("bootstrap admin token").doesNotContain("a-bootstrap-token-of");
    }

    @Test
    void theLocalFingerprintSecretOrAShortOneIsRefusedInProd() {
        for (String secret : new String[] {ProductionSafety.LOCAL_FINGERPRINT_SECRET, "too-short"}) {
            GemgateConfig config = config(Map.of("gemgate.upstream.mode", "gemini", "gemgate.upstream.api-key", "k",
                    "gemgate.seed.demo-tenant", "false", "gemgate.vault.master-key", MASTER_KEY,
                    "gemgate.security.fingerprint-secret", secret));
            assertThat(ProductionSafety.unsafeSettings(config)).singleElement().asString()
                    .contains("fingerprint-secret").doesNotContain(secret);
        }
    }

    @Test
    void aMasterKeyFileIsEnoughForProd() {
        GemgateConfig config = config(Map.of("gemgate.upstream.mode", "gemini", "gemgate.upstream.api-key", "k",
                "gemgate.seed.demo-tenant", "false",
                "gemgate.security.fingerprint-secret", "a-real-secret-of-at-least-32-characters",
                "gemgate.vault.master-key-file", "/run/secrets/gemgate-master-key"));
        assertThat(ProductionSafety.unsafeSettings(config)).isEmpty();
    }
}
