package dev.gemgate.application.port;

import dev.gemgate.domain.audit.AuditEvent;

/**
 * Port: operational meters (requests, latency, tokens, cost, errors by tenant, model and outcome). It reads the same
 * event the audit log stores, so the two can never disagree about what happened.
 */
public interface RequestMetrics {
    void record(AuditEvent event);

    /** One refused tenant authentication; {@code reason} is one of a few fixed words (missing, unknown, ...). */
    void authenticationFailed(String reason);
}
