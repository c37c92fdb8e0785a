package dev.gemgate.domain.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * A place in the audit log's browsing order (newest first: time descending, then id descending): a page continues
 * with the events strictly after it. Stable while events are appended, since new events sort before any position.
 */
public record AuditPosition(Instant occurredAt, UUID id) {
    public AuditPosition {
        if (occurredAt == null || id == null) {
            throw new IllegalArgumentException("an audit position has a time and an id");
        }
    }

    public static AuditPosition of(AuditEvent event) {
        return new AuditPosition(event.occurredAt(), event.id());
    }
}
