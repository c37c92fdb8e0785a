package dev.gemgate.application.tenant;

import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;

/**
 * A key as the admin API shows it: never the secret nor its hash. {@code status} is what a request presenting it now
 * would meet; {@code expiresAt} is its expiry (set at issue, or the end of a rotation's grace period);
 * {@code lastUsedAt} is late by at most the usage recorder's flush interval.
 */
public record ApiKeyView(ApiKeyId id, TenantId tenant, String label, String prefix, Status status,
                         Instant createdAt, Optional<Instant> lastUsedAt, Optional<Instant> expiresAt,
                         Optional<Instant> revokedAt, KeyScopes scopes) {
    public enum Status { ACTIVE, EXPIRED, REVOKED }

    public static ApiKeyView of(ApiKey key, Instant now) {
        Status status = switch (key.usabilityAt(now)) {
            case USABLE -> Status.ACTIVE;
            case EXPIRED -> Status.EXPIRED;
            case REVOKED -> Status.REVOKED;
        };
        return new ApiKeyView(key.id(), key.tenantId(), key.label(), key.prefix(), status, key.createdAt(),
                key.lastUsedAt(), key.expiresAt(), key.revokedAt(), key.scopes());
    }
}
