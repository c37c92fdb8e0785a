package dev.gemgate.app;

import dev.gemgate.adapter.persistence.PostgresAuditLog;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Usage;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit log's durability counts reach Prometheus (read from the registry, whichever port serves it). */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class AuditLogMetricsTest {
    @Inject
    PrometheusMeterRegistry registry;

    @Inject
    PostgresAuditLog audit;

    @Test
    void written_lost_spooled_queued_and_lag_are_exported() {
        double writtenBefore = registry.get("gemgate.audit.events.written").functionCounter().count();
        audit.append(new AuditEvent(UUID.randomUUID(), Instant.now(), AuditEventType.TENANT_CREATED,
                new RequestId("metrics-test"), Optional.empty(), Optional.empty(), Optional.empty(), "admin:test",
                Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS, Optional.empty(), ""));
        audit.flush();

        assertThat(registry.get("gemgate.audit.events.written").functionCounter().count()).isGreaterThan(writtenBefore);
        assertThat(registry.get("gemgate.audit.events.lost").functionCounter().count()).isZero();
        assertThat(registry.get("gemgate.audit.events.spooled").gauge().value()).isZero();
        assertThat(registry.get("gemgate.audit.events.queued").gauge().value()).isZero();
        assertThat(registry.get("gemgate.audit.lag").gauge().value()).isZero();
        assertThat(registry.scrape()).contains("gemgate_audit_events_written_total ", "gemgate_audit_events_lost_total 0.0",
                "gemgate_audit_events_spooled 0.0", "gemgate_audit_events_queued 0.0", "gemgate_audit_lag_seconds 0.0");
    }

    @Test
    void the_app_runs_the_async_mode_with_its_spool_under_target_in_tests() {
        assertThat(audit.durability()).isEqualTo(PostgresAuditLog.Durability.ASYNC);
        assertThat(Path.of("target", "audit-spool", "audit.lock")).exists();
    }
}
