package dev.gemgate.application.port;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.generation.ModelId;

import java.time.Duration;
import java.time.Instant;

/**
 * Port: operational meters (requests, latency, tokens, cost, errors by tenant, model and outcome). It reads the same
 * event the audit log stores, so the two can never disagree about what happened.
 */
public interface RequestMetrics {
    void record(AuditEvent event);

    /** One refused tenant authentication; {@code reason} is one of a few fixed words (missing, unknown, ...). */
    void authenticationFailed(String reason);

    /**
     * A stream served by {@code model} forwarded its first chunk {@code sinceStart} after the request arrived (its time
     * to first byte; {@code at} is when, to label the model as the catalog priced it then).
     */
    default void firstChunk(ModelId model, Instant at, Duration sinceStart) {
    }
}
