package dev.gemgate.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthFailureMetricsTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AuthFailureMetrics metrics = new AuthFailureMetrics(registry);

    @Test
    void everyReasonHasASeriesAtZeroFromTheStart() {
        assertThat(registry.find("gemgate.auth.failures").counters())
                .extracting(c -> c.getId().getTag("reason"))
                .containsExactlyInAnyOrderElementsOf(AuthFailureMetrics.REASONS);
        assertThat(registry.find("gemgate.auth.failures").counters()).allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void failuresAreCountedByReason() {
        metrics.recordAuthFailure(AuthFailureMetrics.UNKNOWN);
        metrics.recordAuthFailure(AuthFailureMetrics.UNKNOWN);
        metrics.recordAuthFailure("Revoked");

        assertThat(count("unknown")).isEqualTo(2);
        assertThat(count("revoked")).isEqualTo(1);
        assertThat(count("missing")).isZero();
    }

    @Test
    void aReasonOutsideTheListIsCountedAsOtherSoTheLabelStaysBounded() {
        for (int i = 0; i < 50; i++) {
            metrics.recordAuthFailure("made-up-reason-" + i);
        }
        metrics.recordAuthFailure(null);

        assertThat(count("other")).isEqualTo(51);
        assertThat(registry.find("gemgate.auth.failures").counters()).hasSize(AuthFailureMetrics.REASONS.size());
    }

    private double count(String reason) {
        return registry.get("gemgate.auth.failures").tag("reason", reason).counter().count();
    }
}
