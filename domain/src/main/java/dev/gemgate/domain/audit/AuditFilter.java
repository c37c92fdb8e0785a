package dev.gemgate.domain.audit;

import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;

/**
 * Which audit events to browse: each present criterion must hold. {@code actor} is an admin's subject (the
 * {@link AuditEvent#actor()} of admin actions; request events are not matched by it); {@code from} is included,
 * {@code to} excluded.
 */
public record AuditFilter(Optional<TenantId> tenant, Optional<String> actor, Optional<AuditEventType> type,
                          Optional<Instant> from, Optional<Instant> to) {
    public static final AuditFilter ALL = new AuditFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public AuditFilter {
        if (tenant == null || actor == null || type == null || from == null || to == null) {
            throw new IllegalArgumentException("audit filter fields are required (use Optional.empty)");
        }
        if (actor.isPresent() && (actor.get().isEmpty() || actor.get().length() > AuditEvent.MAX_ACTOR)) {
            throw new IllegalArgumentException("an actor has 1 to " + AuditEvent.MAX_ACTOR + " characters");
        }
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new IllegalArgumentException("from (" + from.get() + ") is after to (" + to.get() + ")");
        }
    }
}
