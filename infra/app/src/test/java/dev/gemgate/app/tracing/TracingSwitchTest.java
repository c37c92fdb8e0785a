package dev.gemgate.app.tracing;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Tracing follows the OTLP endpoint unless the SDK switch is set explicitly. */
class TracingSwitchTest {
    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withInterceptors(new TracingSwitch())
                .withDefaultValue(TracingSwitch.SDK_DISABLED, "false") // Quarkus's own default
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .build();
    }

    private static boolean disabled(SmallRyeConfig config) {
        return config.getValue(TracingSwitch.SDK_DISABLED, Boolean.class);
    }

    @Test
    void withoutAnEndpointTheSdkIsDisabled() {
        SmallRyeConfig config = config(Map.of());
        assertThat(disabled(config)).isTrue();
        // Quarkus hands every quarkus.otel.* name it iterates to the SDK's autoconfiguration
        assertThat(StreamSupport.stream(config.getPropertyNames().spliterator(), false))
                .contains(TracingSwitch.SDK_DISABLED);
    }

    @Test
    void anEndpointOrATracesEndpointEnablesIt() {
        assertThat(disabled(config(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317")))).isFalse();
        assertThat(disabled(config(Map.of(TracingSwitch.TRACES_ENDPOINT, "http://collector:4318/v1/traces"))))
                .isFalse();
    }

    @Test
    void aValueQuarkusRecordedAtBuildTimeIsNoSetting() {
        // Quarkus keeps build-time values of runtime properties in a source of ordinal 0 ("Runtime Values")
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new TracingSwitch())
                .withDefaultValue(TracingSwitch.SDK_DISABLED, "false")
                .withSources(new PropertiesConfigSource(Map.of(TracingSwitch.SDK_DISABLED, "true"), "Runtime Values",
                        0))
                .withSources(new PropertiesConfigSource(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317"),
                        "EnvConfigSource", 300))
                .build();
        assertThat(disabled(config)).isFalse();
    }

    @Test
    void anExplicitSwitchWinsEitherWay() {
        assertThat(disabled(config(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317",
                TracingSwitch.SDK_DISABLED, "true")))).isTrue();
        assertThat(disabled(config(Map.of(TracingSwitch.SDK_DISABLED, "false")))).isFalse();
    }
}
