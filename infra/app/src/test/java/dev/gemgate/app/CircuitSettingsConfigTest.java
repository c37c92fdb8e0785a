package dev.gemgate.app;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gemgate.upstream.circuit.* and gemgate.upstream.bulkhead.* as an operator writes them (without Quarkus). */
class CircuitSettingsConfigTest {
    private static GemgateConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                })
                .build().getConfigMapping(GemgateConfig.class);
    }

    @Test
    void theDefaults() {
        assertThat(GenerationPortProducer.circuitSettings(config(Map.of()))).isEqualTo(CircuitSettings.DEFAULT)
                .isEqualTo(new CircuitSettings(true, 20, 0.5, Duration.ofSeconds(10), 1, 10000));
    }

    @Test
    void everySettingIsRead() {
        assertThat(GenerationPortProducer.circuitSettings(config(Map.of(
                "gemgate.upstream.circuit.enabled", "false",
                "gemgate.upstream.circuit.window", "50",
                "gemgate.upstream.circuit.failure-ratio", "0.8",
                "gemgate.upstream.circuit.open-for", "30s",
                "gemgate.upstream.circuit.probes", "3",
                "gemgate.upstream.bulkhead.max-in-flight-per-credential", "64"))))
                .isEqualTo(new CircuitSettings(false, 50, 0.8, Duration.ofSeconds(30), 3, 64));
    }

    @Test
    void aValueOutOfRangeStopsTheStartNamingItsSetting() {
        Map<String, String> bad = Map.of(
                "gemgate.upstream.circuit.window", "0",
                "gemgate.upstream.circuit.failure-ratio", "0",
                "gemgate.upstream.circuit.open-for", "0s",
                "gemgate.upstream.circuit.probes", "0",
                "gemgate.upstream.bulkhead.max-in-flight-per-credential", "0");
        bad.forEach((key, value) -> assertThatThrownBy(() ->
                GenerationPortProducer.circuitSettings(config(Map.of(key, value))))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(key));
        assertThatThrownBy(() -> GenerationPortProducer.circuitSettings(config(Map.of(
                "gemgate.upstream.circuit.failure-ratio", "1.5"))))
                .hasMessageStartingWith("gemgate.upstream.circuit.failure-ratio");
        assertThatThrownBy(() -> GenerationPortProducer.circuitSettings(config(Map.of(
                "gemgate.upstream.circuit.window", "4", "gemgate.upstream.circuit.probes", "5"))))
                .hasMessageStartingWith("gemgate.upstream.circuit.probes");
    }
}
