package dev.gemgate.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpMethodTagFilterTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();

    HttpMethodTagFilterTest() {
        registry.config().meterFilter(new HttpMethodTagFilter());
    }

    @Test
    void madeUpMethodsShareOneSeries() {
        for (int i = 0; i < 20; i++) {
            Timer.builder("http.server.requests").tags("method", "FOO" + i, "uri", "/v1beta/models").register(registry);
        }
        assertThat(registry.find("http.server.requests").timers()).singleElement()
                .satisfies(t -> assertThat(t.getId().getTag("method")).isEqualTo("OTHER"));
    }

    @Test
    void standardMethodsAndOtherMetersAreLeftAlone() {
        Timer.builder("http.server.requests").tags("method", "POST", "uri", "/v1beta/models").register(registry);
        Timer.builder("http.client.requests").tags("method", "FOO").register(registry);

        assertThat(registry.get("http.server.requests").timer().getId().getTag("method")).isEqualTo("POST");
        assertThat(registry.get("http.client.requests").timer().getId().getTag("method")).isEqualTo("FOO");
    }
}
