package dev.gemgate.domain.alert;

import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * One alert's webhook delivery: the event id (also the id of the alert's audit event, and the receiver's deduplication
 * key), the tenant, the JSON payload exactly as it is signed and sent, and how its attempts went. {@code attempts}
 * counts the attempts begun. {@code lastError} says what went wrong without any secret (no URL, no signature).
 * A pending delivery has a next attempt time; a delivered one a delivery time.
 */
public record AlertDelivery(UUID id, TenantId tenant, String payload, DeliveryStatus status, int attempts,
                            Optional<Instant> nextAttemptAt, OptionalInt lastStatusCode, Optional<String> lastError,
                            Instant createdAt, Optional<Instant> deliveredAt) {
    public static final int MAX_ERROR = 500;

    public AlertDelivery {
        if (id == null || tenant == null || payload == null || status == null || nextAttemptAt == null
                || lastStatusCode == null || lastError == null || createdAt == null || deliveredAt == null) {
            throw new IllegalArgumentException("delivery fields are required (use Optional.empty)");
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts cannot be negative");
        }
        if ((status == DeliveryStatus.PENDING) != nextAttemptAt.isPresent()) {
            throw new IllegalArgumentException("exactly a pending delivery has a next attempt");
        }
        if ((status == DeliveryStatus.DELIVERED) != deliveredAt.isPresent()) {
            throw new IllegalArgumentException("exactly a delivered delivery has a delivery time");
        }
        lastError = lastError.map(e -> e.length() <= MAX_ERROR ? e : e.substring(0, MAX_ERROR));
    }

    /** A new delivery, its first attempt due at once. */
    public static AlertDelivery pending(UUID id, TenantId tenant, String payload, Instant createdAt) {
        return new AlertDelivery(id, tenant, payload, DeliveryStatus.PENDING, 0, Optional.of(createdAt),
                OptionalInt.empty(), Optional.empty(), createdAt, Optional.empty());
    }
}
