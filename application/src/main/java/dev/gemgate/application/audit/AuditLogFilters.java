package dev.gemgate.application.audit;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditFilter;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * The audit log's filters as a caller writes them, checked once for the page and the export, each refusal naming its
 * parameter: {@code tenant} a tenant id (a UUID); {@code actor} an admin's subject (1 to 256 characters); {@code type}
 * an event type's name ({@code TENANT_CREATED}); {@code from} and {@code to} either an instant with its offset
 * ({@code 2026-11-30T08:00:00Z}) or a date, read as a UTC day: {@code from=2026-11-01} starts at that day's first
 * instant, {@code to=2026-11-30} includes that whole day. {@code from} is included, {@code to} excluded. A blank
 * parameter is absent.
 */
public record AuditLogFilters(String tenant, String actor, String type, String from, String to) {
    public AuditFilter parse() {
        Optional<Instant> start = time("from", from, false);
        Optional<Instant> end = time("to", to, true);
        if (start.isPresent() && end.isPresent() && start.get().isAfter(end.get())) {
            throw InvalidRequestException.forField("from", "must not be after to (" + start.get() + " > "
                    + end.get() + ")");
        }
        return new AuditFilter(tenantId(), actorSubject(), eventType(), start, end);
    }

    private Optional<TenantId> tenantId() {
        if (isAbsent(tenant)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TenantId(UUID.fromString(tenant.strip())));
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.forField("tenant", "'" + cut(tenant) + "' is not a tenant id (a UUID)");
        }
    }

    private Optional<String> actorSubject() {
        if (isAbsent(actor)) {
            return Optional.empty();
        }
        String value = actor.strip();
        if (value.length() > AuditEvent.MAX_ACTOR) {
            throw InvalidRequestException.forField("actor", "has at most " + AuditEvent.MAX_ACTOR + " characters");
        }
        return Optional.of(value);
    }

    private Optional<AuditEventType> eventType() {
        if (isAbsent(type)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AuditEventType.valueOf(type.strip()));
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.forField("type", "'" + cut(type) + "' is not an audit event type (one of "
                    + Arrays.toString(AuditEventType.values()) + ")");
        }
    }

    private static Optional<Instant> time(String field, String text, boolean endOfDay) {
        if (isAbsent(text)) {
            return Optional.empty();
        }
        String value = text.strip();
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return Optional.of((endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeException e) {
            throw InvalidRequestException.forField(field, "'" + cut(text) + "' is neither an instant with its offset "
                    + "(2026-11-30T08:00:00Z) nor a date (2026-11-30)");
        }
    }

    private static boolean isAbsent(String text) {
        return text == null || text.isBlank();
    }

    /** Echoes at most 64 characters of what the caller sent. */
    static String cut(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
