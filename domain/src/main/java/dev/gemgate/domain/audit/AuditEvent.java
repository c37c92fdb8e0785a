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
 * kept for correlation only (nothing keys on it). {@code admin} is present on admin actions only. {@code endUser} is
 * the tenant's own end user a request named ({@code x-gemgate-user}), if it named one; usage is reported by it.
 * {@code saved} is what a request served from the response cache would have cost ({@link Outcome#CACHE_HIT}: its
 * {@code cost} is zero, its usage the stored answer's, which is not billed); zero for every other event.
 */
public record AuditEvent(UUID id, Instant occurredAt, AuditEventType type, RequestId requestId,
                         Optional<String> correlationId, Optional<TenantId> tenant, Optional<ApiKeyId> apiKey,
                         String actor, Optional<ModelId> model,
                         Usage usage, Money cost, Duration latency, Outcome outcome, Optional<String> promptHash,
                         String detail, Optional<AdminDetails> admin, Optional<String> endUser, Money saved) {
    public static final int MAX_DETAIL = 1000;
    public static final int MAX_ACTOR = 256;
    public static final int MAX_CORRELATION_ID = 128;
    /** As the {@code audit_events.end_user} column and the header's own limit. */
    public static final int MAX_END_USER = 128;

    public AuditEvent {
        if (id == null || occurredAt == null || type == null || requestId == null || correlationId == null
                || tenant == null
                || apiKey == null || actor == null || model == null || usage == null || cost == null
                || latency == null || outcome == null || promptHash == null || detail == null || admin == null
                || endUser == null || saved == null) {
            throw new IllegalArgumentException("audit event fields are required (use Optional.empty or \"\")");
        }
        if (correlationId.isPresent() && correlationId.get().length() > MAX_CORRELATION_ID) {
            throw new IllegalArgumentException("a correlation id has at most " + MAX_CORRELATION_ID + " characters");
        }
        if (endUser.isPresent() && (endUser.get().isEmpty() || endUser.get().length() > MAX_END_USER)) {
            throw new IllegalArgumentException("an end user has 1 to " + MAX_END_USER + " characters");
        }
        if (actor.length() > MAX_ACTOR) {
            actor = actor.substring(0, MAX_ACTOR);
        }
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }

    /** An event that saved nothing (every event but a cache hit's). */
    public AuditEvent(UUID id, Instant occurredAt, AuditEventType type, RequestId requestId,
                      Optional<String> correlationId, Optional<TenantId> tenant, Optional<ApiKeyId> apiKey,
                      String actor, Optional<ModelId> model, Usage usage, Money cost, Duration latency,
                      Outcome outcome, Optional<String> promptHash, String detail, Optional<AdminDetails> admin,
                      Optional<String> endUser) {
        this(id, occurredAt, type, requestId, correlationId, tenant, apiKey, actor, model, usage, cost, latency,
                outcome, promptHash, detail, admin, endUser, Money.ZERO);
    }

    /** An event without an end user (admin actions, and request-path events of callers that name none). */
    public AuditEvent(UUID id, Instant occurredAt, AuditEventType type, RequestId requestId,
                      Optional<String> correlationId, Optional<TenantId> tenant, Optional<ApiKeyId> apiKey,
                      String actor, Optional<ModelId> model, Usage usage, Money cost, Duration latency,
                      Outcome outcome, Optional<String> promptHash, String detail, Optional<AdminDetails> admin) {
        this(id, occurredAt, type, requestId, correlationId, tenant, apiKey, actor, model, usage, cost, latency,
                outcome, promptHash, detail, admin, Optional.empty());
    }

    /** An event of the request path (no admin details, no end user). */
    public AuditEvent(UUID id, Instant occurredAt, AuditEventType type, RequestId requestId,
                      Optional<String> correlationId, Optional<TenantId> tenant, Optional<ApiKeyId> apiKey,
                      String actor, Optional<ModelId> model, Usage usage, Money cost, Duration latency,
                      Outcome outcome, Optional<String> promptHash, String detail) {
        this(id, occurredAt, type, requestId, correlationId, tenant, apiKey, actor, model, usage, cost, latency,
                outcome, promptHash, detail, Optional.empty(), Optional.empty());
    }
}
