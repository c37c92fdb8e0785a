package dev.gemgate.domain.tenant;

import java.time.Instant;
import java.util.Optional;

/**
 * A tenant's API key as stored: never the secret itself, only its SHA-256 hash and a short visible prefix that lets
 * people tell keys apart. A key may carry an expiry ({@code expiresAt}): set when it is issued, or by a rotation (the
 * end of its grace period). {@code lastUsedAt} is approximate (recorded in batches every few seconds) and written
 * only by the usage recorder. {@code scopes} limit what the key may do ({@link KeyScopes}).
 */
public record ApiKey(ApiKeyId id, TenantId tenantId, String label, String prefix, String hash, ApiKeyStatus status,
                     Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt,
                     Optional<Instant> lastUsedAt, KeyScopes scopes) {
    public static final int MAX_LABEL_LENGTH = 120;

    public ApiKey {
        if (id == null || tenantId == null || status == null || createdAt == null || expiresAt == null
                || revokedAt == null || lastUsedAt == null || scopes == null) {
            throw new IllegalArgumentException("api key fields are required");
        }
        if (prefix == null || prefix.length() < 8 || prefix.length() > 16) {
            throw new IllegalArgumentException("an api key prefix has 8 to 16 characters");
        }
        if (hash == null || !hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an api key hash is 64 lower-case hex digits");
        }
        if (label == null || label.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("an api key label has at most " + MAX_LABEL_LENGTH + " characters");
        }
        if (status == ApiKeyStatus.REVOKED && revokedAt.isEmpty()) {
            throw new IllegalArgumentException("a revoked key records when it was revoked");
        }
    }

    /** An unscoped key that was never used (the shape of keys before scopes existed). */
    public ApiKey(ApiKeyId id, TenantId tenantId, String label, String prefix, String hash, ApiKeyStatus status,
                  Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {
        this(id, tenantId, label, prefix, hash, status, createdAt, expiresAt, revokedAt, Optional.empty(),
                KeyScopes.UNRESTRICTED);
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
                Optional.of(when), lastUsedAt, scopes);
    }

    /** The key with its expiry set to {@code when} (replacing any earlier one). */
    public ApiKey expiringAt(Instant when) {
        return new ApiKey(id, tenantId, label, prefix, hash, status, createdAt, Optional.of(when), revokedAt,
                lastUsedAt, scopes);
    }

    /**
     * The key as a rotation leaves it: it keeps working until {@code graceEnd}, or until its own expiry if that comes
     * first (a rotation never extends a key's life).
     */
    public ApiKey expiringNoLaterThan(Instant graceEnd) {
        if (expiresAt.isPresent() && expiresAt.get().isBefore(graceEnd)) {
            return this;
        }
        return expiringAt(graceEnd);
    }

    public ApiKey withScopes(KeyScopes newScopes) {
        return new ApiKey(id, tenantId, label, prefix, hash, status, createdAt, expiresAt, revokedAt, lastUsedAt,
                newScopes);
    }

    public ApiKey withLastUsedAt(Instant when) {
        return new ApiKey(id, tenantId, label, prefix, hash, status, createdAt, expiresAt, revokedAt,
                Optional.of(when), scopes);
    }

    public enum Usability { USABLE, REVOKED, EXPIRED }
}
