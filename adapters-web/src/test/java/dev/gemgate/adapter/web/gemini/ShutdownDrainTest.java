package dev.gemgate.adapter.web.gemini;

import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownDrainTest {
    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");

    private ShutdownDrain drain(Optional<Duration> delay) {
        return new ShutdownDrain(clock, UUID::randomUUID, delay, "q");
    }

    @Test
    void admitsEverythingUntilTheShutdownBegins() {
        ShutdownDrain drain = drain(Optional.of(Duration.ofSeconds(5)));
        clock.advance(Duration.ofDays(3));
        assertThat(drain.admitsNewRequests()).isTrue();
    }

    @Test
    void keepsAdmittingDuringTheShutdownDelayWhileReadinessIsDownThenRefuses() {
        ShutdownDrain drain = drain(Optional.of(Duration.ofSeconds(5)));
        drain.shutdownBegan();
        assertThat(drain.admitsNewRequests()).isTrue();
        clock.advance(Duration.ofMillis(4_999));
        assertThat(drain.admitsNewRequests()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(drain.admitsNewRequests()).isFalse();
    }

    @Test
    void withoutADelayRefusesAsSoonAsTheShutdownBegins() {
        ShutdownDrain drain = drain(Optional.empty());
        drain.shutdownBegan();
        assertThat(drain.admitsNewRequests()).isFalse();
    }

    @Test
    void aSecondSignalDoesNotPostponeTheRefusal() {
        ShutdownDrain drain = drain(Optional.of(Duration.ofSeconds(5)));
        drain.shutdownBegan();
        clock.advance(Duration.ofSeconds(4));
        drain.shutdownBegan();
        clock.advance(Duration.ofSeconds(1));
        assertThat(drain.admitsNewRequests()).isFalse();
    }

    @Test
    void healthAndMetricsStayAnsweredButNoApplicationPath() {
        ShutdownDrain drain = new ShutdownDrain(clock, UUID::randomUUID, Optional.empty(), "/q/");
        assertThat(drain.isNonApplication("/q/health/ready")).isTrue();
        assertThat(drain.isNonApplication("/q/metrics")).isTrue();
        assertThat(drain.isNonApplication("/v1beta/models/gemini-2.5-flash:generateContent")).isFalse();
        assertThat(drain.isNonApplication("/qx/health")).isFalse();
        assertThat(drain.isNonApplication("/admin")).isFalse();
    }

    @Test
    void theRefusalIsA503UnavailableInGeminisEnvelopeWithRetryInfo() {
        GeminiError refusal = ShutdownDrain.refusal();
        assertThat(refusal.httpStatus()).isEqualTo(503);
        assertThat(refusal.retryAfterSeconds()).hasValue(1L);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) refusal.envelope(new RequestId("req-12345678")).get("error");
        assertThat(error).containsEntry("code", 503).containsEntry("status", "UNAVAILABLE");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> details = (List<Map<String, Object>>) error.get("details");
        assertThat(details).anySatisfy(d -> assertThat(d).containsEntry("retryDelay", "1s"))
                .anySatisfy(d -> assertThat(d).containsEntry("requestId", "req-12345678"));
    }
}
