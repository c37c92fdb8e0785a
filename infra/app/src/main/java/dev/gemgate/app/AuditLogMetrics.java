package dev.gemgate.app;

import dev.gemgate.adapter.persistence.PostgresAuditLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The audit trail's health as meters, read from the audit log when scraped: {@code gemgate_audit_events_written_total},
 * {@code gemgate_audit_events_lost_total} (events recorded nowhere: should stay 0; alert on any increase),
 * {@code gemgate_audit_events_spooled} (waiting on local disk for the database), {@code gemgate_audit_events_queued}
 * (in memory: what an async-mode crash would lose) and {@code gemgate_audit_lag_seconds} (age of the oldest event not
 * yet in the database).
 */
@Startup
@ApplicationScoped
public class AuditLogMetrics {
    private final PostgresAuditLog audit;
    private final MeterRegistry registry;
    private final List<Meter> meters;

    public AuditLogMetrics(MeterRegistry registry, PostgresAuditLog audit) {
        this.audit = audit;
        this.registry = registry;
        this.meters = List.of(FunctionCounter.builder("gemgate.audit.events.written", this, m -> m.audit.writtenCount())
                .description("Audit events written to the database (live or replayed from the spool)")
                .register(registry),
        FunctionCounter.builder("gemgate.audit.events.lost", this, m -> m.audit.lostCount())
                .description("Audit events that could be recorded neither in the database nor in the spool")
                .register(registry),
        Gauge.builder("gemgate.audit.events.spooled", this, m -> m.audit.spooledCount())
                .description("Audit events waiting in the local spool for the database").strongReference(true)
                .register(registry),
        Gauge.builder("gemgate.audit.events.queued", this, m -> m.audit.queuedCount())
                .description("Audit events queued in memory, not yet committed or spooled").strongReference(true)
                .register(registry),
        Gauge.builder("gemgate.audit.lag", this, m -> m.audit.lag().toNanos() / 1e9).baseUnit("seconds")
                .description("Age of the oldest audit event not yet in the database").strongReference(true)
                .register(registry));
    }

    /**
     * The meters read this application's audit log: they leave with it, so that a registry that outlives the
     * application (several boots in one JVM, as in the tests) never calls into a stopped container.
     */
    @PreDestroy
    void unregister() {
        meters.forEach(registry::remove);
    }
}
