package dev.gemgate.domain.alert;

import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A page of deliveries, newest first (by creation time, then id), optionally of one tenant and one status, starting
 * after {@code after} (the last delivery of the previous page).
 */
public record DeliverySearch(Optional<TenantId> tenant, Optional<DeliveryStatus> status, int limit,
                             Optional<Position> after) {
    public static final int MAX_LIMIT = 500;

    /** Where a page ends: the creation time and id of its last delivery. */
    public record Position(Instant createdAt, UUID id) {
        public Position {
            if (createdAt == null || id == null) {
                throw new IllegalArgumentException("a position has a time and an id");
            }
        }
    }

    public DeliverySearch {
        if (tenant == null || status == null || after == null) {
            throw new IllegalArgumentException("search fields are required (use Optional.empty)");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("1 <= limit <= " + MAX_LIMIT);
        }
    }
}
