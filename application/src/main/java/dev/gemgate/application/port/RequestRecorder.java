package dev.gemgate.application.port;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.generation.ModelId;

import java.time.Duration;
import java.time.Instant;

/** Step h of the request path: every finished request goes to the audit log and to the metrics, once. */
public final class RequestRecorder {
    private final AuditLog auditLog;
    private final RequestMetrics metrics;

    public RequestRecorder(AuditLog auditLog, RequestMetrics metrics) {
        this.auditLog = auditLog;
        this.metrics = metrics;
    }

    /** A stream's first chunk was forwarded: its time to first byte. */
    public void firstChunk(ModelId model, Instant at, Duration sinceStart) {
        metrics.firstChunk(model, at, sinceStart);
    }

    public void record(AuditEvent event) {
        metrics.record(event);
        auditLog.append(event);
    }
}
