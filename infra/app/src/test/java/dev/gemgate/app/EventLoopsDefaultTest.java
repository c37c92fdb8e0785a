package dev.gemgate.app;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Half the processors for the event loops, unless the pool size is set. */
class EventLoopsDefaultTest {
    private static SmallRyeConfig config(Map<String, String> properties, String source, int ordinal) {
        return new SmallRyeConfigBuilder()
                .withInterceptors(new EventLoopsDefault())
                .withSources(new PropertiesConfigSource(properties, source, ordinal))
                .build();
    }

    private static OptionalInt loops(SmallRyeConfig config) {
        return config.getOptionalValue(EventLoopsDefault.EVENT_LOOPS, Integer.class)
                .map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    @Test
    void halfTheProcessorsAndAtLeastOne() {
        assertThat(EventLoopsDefault.forProcessors(1)).isEqualTo(1);
        assertThat(EventLoopsDefault.forProcessors(2)).isEqualTo(1);
        assertThat(EventLoopsDefault.forProcessors(3)).isEqualTo(1);
        assertThat(EventLoopsDefault.forProcessors(4)).isEqualTo(2);
        assertThat(EventLoopsDefault.forProcessors(16)).isEqualTo(8);
    }

    @Test
    void unsetItIsTheDefaultForThisMachine() {
        SmallRyeConfig config = config(Map.of(), "application.properties", 250);
        assertThat(loops(config))
                .hasValue(EventLoopsDefault.forProcessors(Runtime.getRuntime().availableProcessors()));
        // Quarkus builds its mappings from the names it iterates
        assertThat(StreamSupport.stream(config.getPropertyNames().spliterator(), false))
                .contains(EventLoopsDefault.EVENT_LOOPS);
    }

    @Test
    void aSettingWins() {
        assertThat(loops(config(Map.of(EventLoopsDefault.EVENT_LOOPS, "7"), "EnvConfigSource", 300))).hasValue(7);
        assertThat(loops(config(Map.of(EventLoopsDefault.EVENT_LOOPS, "3"), "application.properties", 250)))
                .hasValue(3);
    }

    @Test
    void aValueRecordedAtBuildTimeIsNoSetting() {
        // Quarkus keeps build-time values of runtime properties in a source of ordinal 0 ("Runtime Values")
        SmallRyeConfig config = config(Map.of(EventLoopsDefault.EVENT_LOOPS, "64"), "Runtime Values", 0);
        assertThat(loops(config))
                .hasValue(EventLoopsDefault.forProcessors(Runtime.getRuntime().availableProcessors()));
    }
}
