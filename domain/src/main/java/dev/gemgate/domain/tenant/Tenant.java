package dev.gemgate.domain.tenant;

import java.time.Instant;

/** A team or application that calls Gemini through Gemgate. */
public record Tenant(TenantId id, String name, TenantStatus status, Instant createdAt) {
    public static final int MAX_NAME_LENGTH = 120;

    public Tenant {
        if (id == null || status == null || createdAt == null) {
            throw new IllegalArgumentException("tenant id, status and creation time are required");
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a tenant name has 1 to " + MAX_NAME_LENGTH + " characters");
        }
    }

    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }
}
