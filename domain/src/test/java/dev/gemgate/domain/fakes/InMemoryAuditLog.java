package dev.gemgate.domain.fakes;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditFilter;
import dev.gemgate.domain.audit.AuditPosition;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.AuditSearch;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

public final class InMemoryAuditLog implements AuditLog, AuditSearch {
    /** The browsing order of {@link AuditSearch}: newest first, then by id descending. */
    private static final Comparator<AuditEvent> NEWEST_FIRST = Comparator.comparing(AuditEvent::occurredAt)
            .thenComparing(AuditEvent::id).reversed();

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void append(AuditEvent event) {
        events.add(event);
    }

    @Override
    public List<AuditEvent> query(AuditQuery q) {
        return events.stream()
                .filter(e -> q.tenant().isEmpty() || e.tenant().equals(q.tenant()))
                .filter(e -> q.type().isEmpty() || e.type() == q.type().get())
                .filter(e -> !e.occurredAt().isBefore(q.from()) && e.occurredAt().isBefore(q.to()))
                .sorted(Comparator.comparing(AuditEvent::occurredAt).reversed())
                .limit(q.limit())
                .toList();
    }

    @Override
    public List<AuditEvent> page(AuditFilter f, Optional<AuditPosition> after, int limit) {
        return events.stream()
                .filter(e -> f.tenant().isEmpty() || e.tenant().equals(f.tenant()))
                .filter(e -> f.actor().isEmpty() || e.admin().isPresent() && e.actor().equals(f.actor().get()))
                .filter(e -> f.type().isEmpty() || e.type() == f.type().get())
                .filter(e -> f.from().isEmpty() || !e.occurredAt().isBefore(f.from().get()))
                .filter(e -> f.to().isEmpty() || e.occurredAt().isBefore(f.to().get()))
                .filter(e -> after.isEmpty() || isAfter(e, after.get()))
                .sorted(NEWEST_FIRST)
                .limit(limit)
                .toList();
    }

    private static boolean isAfter(AuditEvent e, AuditPosition position) {
        int byTime = e.occurredAt().compareTo(position.occurredAt());
        return byTime < 0 || byTime == 0 && e.id().compareTo(position.id()) < 0;
    }

    public List<AuditEvent> all() {
        return List.copyOf(events);
    }
}
