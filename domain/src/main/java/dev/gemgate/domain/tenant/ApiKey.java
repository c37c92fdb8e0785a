package dev.gemgate.domain.tenant;

import java.time.Instant;
import java.util.Optional;

/**
 * A tenant's API key as stored: never the secret itself, only its SHA-256 hash and a short visible prefix that lets
 * people tell keys apart. A key being rotated keeps working until {@code expiresAt} (its grace period).
 */
public record ApiKey(ApiKeyId id, TenantId tenantId, String label, String prefix, String hash, ApiKeyStatus status,
                     Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {

    public ApiKey {
        if (id == null || tenantId == null || status == null || createdAt == null || expiresAt == null
                || revokedAt == null) {
            throw new IllegalArgumentException("api key fields are required");
        }
        if (prefix == null || prefix.length() < 8 || prefix.length() > 16) {
            throw new IllegalArgumentException("an api key prefix has 8 to 16 characters");
        }
        if (hash == null || !hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an api key hash is 64 lower-case hex digits");
        }
        if (label == null || label.length() > 120) {
            throw new IllegalArgumentException("an api key label has at most 120 characters");
        }
        if (status == ApiKeyStatus.REVOKED && revokedAt.isEmpty()) {
            throw new IllegalArgumentException("a revoked key records when it was revoked");
        }
    }

    /** Whether a request presenting this key at {@code now} may proceed, and if not, why. */
    public Usability usabilityAt(Instant now) {
        if (status == ApiKeyStatus.REVOKED) {
            return Usability.REVOKED;
        }
        if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
            return Usability.EXPIRED;
        }
        return Usability.USABLE;
    }

    public ApiKey revokedAt(Instant when) {
        return new ApiKey(id, tenantId, label, prefix, hash, ApiKeyStatus.REVOKED, createdAt, expiresAt,
                Optional.of(when));
    }

    public ApiKey expiringAt(Instant when) {
        return new ApiKey(id, tenantId, label, prefix, hash, status, createdAt, Optional.of(when), revokedAt);
    }

    public enum Usability { USABLE, REVOKED, EXPIRED }
}
