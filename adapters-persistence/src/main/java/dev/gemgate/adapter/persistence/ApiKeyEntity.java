package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Row of {@code api_keys}; never leaves this module (adapters map it to {@link ApiKey}). */
@Entity
@Table(name = "api_keys")
class ApiKeyEntity extends PanacheEntityBase {
    @Id
    public UUID id;

    // A plain column rather than a relationship: the key is read on every request and never needs its tenant row.
    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(nullable = false, length = 120)
    public String label;

    @Column(nullable = false, length = 16)
    public String prefix;

    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(nullable = false, length = 64)
    public String hash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public ApiKeyStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    // Written only by BatchedKeyUsageRecorder's UPDATE: a save (revocation, rotation) must not overwrite a newer use.
    @Column(name = "last_used_at", insertable = false, updatable = false)
    public Instant lastUsedAt;

    // Scope lists: entries separated by single spaces; empty means unrestricted (see V5).
    @Column(name = "allowed_models", nullable = false, length = 10400)
    public String allowedModels = "";

    @Column(name = "allowed_surfaces", nullable = false, length = 100)
    public String allowedSurfaces = "";

    @Column(name = "allowed_addresses", nullable = false, length = 5000)
    public String allowedAddresses = "";

    void copyFrom(ApiKey key) {
        id = key.id().value();
        tenantId = key.tenantId().value();
        label = key.label();
        prefix = key.prefix();
        hash = key.hash();
        status = key.status();
        createdAt = Timestamps.toDatabase(key.createdAt());
        expiresAt = key.expiresAt().map(Timestamps::toDatabase).orElse(null);
        revokedAt = key.revokedAt().map(Timestamps::toDatabase).orElse(null);
        allowedModels = String.join(" ", key.scopes().modelTexts());
        allowedSurfaces = String.join(" ", key.scopes().surfaceTexts());
        allowedAddresses = String.join(" ", key.scopes().addressTexts());
    }

    ApiKey toDomain() {
        return new ApiKey(new ApiKeyId(id), new TenantId(tenantId), label, prefix, hash, status, createdAt,
                Optional.ofNullable(expiresAt), Optional.ofNullable(revokedAt), Optional.ofNullable(lastUsedAt),
                KeyScopes.parse(entries(allowedModels), entries(allowedSurfaces), entries(allowedAddresses)));
    }

    private static List<String> entries(String column) {
        return column == null || column.isBlank() ? List.of() : Arrays.asList(column.strip().split(" +"));
    }
}
