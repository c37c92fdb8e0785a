package dev.gemgate.domain.audit;

import java.util.List;
import java.util.Optional;

/**
 * Port: browses the recorded audit events for the admin portal and its exports, newest first (time descending, then
 * id descending), by keyset: a page of at most {@code limit} events matching the filter, strictly after {@code after}
 * when given. Reads what is recorded: events still queued in the audit writer are not yet seen.
 */
public interface AuditSearch {
    int MAX_PAGE = 1000;

    List<AuditEvent> page(AuditFilter filter, Optional<AuditPosition> after, int limit);
}
