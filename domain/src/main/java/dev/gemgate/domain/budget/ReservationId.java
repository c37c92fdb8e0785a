package dev.gemgate.domain.budget;

import java.util.UUID;

public record ReservationId(UUID value) {
    public ReservationId {
        if (value == null) {
            throw new IllegalArgumentException("reservation id is required");
        }
    }
}
