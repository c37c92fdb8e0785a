package dev.gemgate.domain.audit;

import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;

/** Newest first, within [from, to). */
public record AuditQuery(Optional<TenantId> tenant, Optional<AuditEventType> type, Instant from, Instant to, int limit) {
    public AuditQuery {
        if (tenant == null || type == null || from == null || to == null) {
            throw new IllegalArgumentException("audit query fields are required");
        }
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("an audit query returns 1 to 10000 events");
        }
    }
}
