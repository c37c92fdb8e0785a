package dev.gemgate.domain.audit;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One durable record of something that happened. For gateway calls it says who (tenant, key), what (model, tokens,
 * cost), how it ended and how long it took; it holds a hash of the prompt, never the prompt, and never a secret.
 * {@code actor} is the key id for tenant calls and the admin's subject for admin actions. {@code requestId} is the
 * server-generated id of the request; {@code correlationId} is the caller's own {@code x-request-id}, if it sent one,
 * kept for correlation only (nothing keys on it). {@code admin} is present on admin actions only.
 */
public record AuditEvent(UUID id, Instant occurredAt, AuditEventType type, RequestId requestId,
                         Optional<String> correlationId, Optional<TenantId> tenant, Optional<ApiKeyId> apiKey,
                         String actor, Optional<ModelId> model,
                         Usage usage, Money cost, Duration latency, Outcome outcome, Optional<String> promptHash,
                         String detail, Optional<AdminDetails> admin) {
    public static final int MAX_DETAIL = 1000;
    public static final int MAX_ACTOR = 256;
    public static final int MAX_CORRELATION_ID = 128;

    public AuditEvent {
        if (id == null || occurredAt == null || type == null || requestId == null || correlationId == null
                || tenant == null
                || apiKey == null || actor == null || model == null || usage == null || cost == null
                || latency == null || outcome == null || promptHash == null || detail == null || admin == null) {
            throw new IllegalArgumentException("audit event fields are required (use Optional.empty or \"\")");
        }
        if (correlationId.isPresent() && correlationId.get().length() > MAX_CORRELATION_ID) {
            throw new IllegalArgumentException("a correlation id has at most " + MAX_CORRELATION_ID + " characters");
        }
        if (actor.length() > MAX_ACTOR) {
            actor = actor.substring(0, MAX_ACTOR);
        }
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }

    /** An event of the request path (no admin details). */
    public AuditEvent(UUID id, Instant occurredAt, AuditEventType type, RequestId requestId,
                      Optional<String> correlationId, Optional<TenantId> tenant, Optional<ApiKeyId> apiKey,
                      String actor, Optional<ModelId> model, Usage usage, Money cost, Duration latency,
                      Outcome outcome, Optional<String> promptHash, String detail) {
        this(id, occurredAt, type, requestId, correlationId, tenant, apiKey, actor, model, usage, cost, latency,
                outcome, promptHash, detail, Optional.empty());
    }
}
