package dev.gemgate.domain.fakes;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

public final class InMemoryAuditLog implements AuditLog {
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

    public List<AuditEvent> all() {
        return List.copyOf(events);
    }
}
