package dev.gemgate.domain.audit;

import java.util.List;

/** Port: an append-only, durable log of audit events. {@code append} may batch, but never drops on a clean shutdown. */
public interface AuditLog {
    void append(AuditEvent event);

    List<AuditEvent> query(AuditQuery query);
}
