package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import org.hibernate.annotations.BatchSize;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Row of {@code tenants} (and its {@code tenant_metadata}); never leaves this module (adapters map it to {@link Tenant}). */
@Entity
@Table(name = "tenants")
class TenantEntity extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(nullable = false, length = Tenant.MAX_NAME_LENGTH)
    public String name;

    @Column(name = "display_name", nullable = false, length = Tenant.MAX_DISPLAY_NAME_LENGTH)
    public String displayName;

    @Column(length = Tenant.MAX_CONTACT_LENGTH)
    public String contact;

    // Loaded lazily, in batches: a page of tenants costs one query for all their metadata, not one each.
    @ElementCollection
    @CollectionTable(name = "tenant_metadata", joinColumns = @JoinColumn(name = "tenant_id"))
    @MapKeyColumn(name = "meta_key", length = 63)
    @Column(name = "meta_value", nullable = false, length = Tenant.MAX_METADATA_VALUE_LENGTH)
    @BatchSize(size = 100)
    public Map<String, String> metadata = new HashMap<>();

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public TenantStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    void copyFrom(Tenant tenant) {
        id = tenant.id().value();
        name = tenant.name();
        displayName = tenant.displayName();
        contact = tenant.contact().orElse(null);
        if (!metadata.equals(tenant.metadata())) {
            metadata.clear();
            metadata.putAll(tenant.metadata());
        }
        status = tenant.status();
        createdAt = Timestamps.toDatabase(tenant.createdAt());
        deletedAt = tenant.deletedAt().map(Timestamps::toDatabase).orElse(null);
    }

    Tenant toDomain() {
        return new Tenant(new TenantId(id), name, displayName, Optional.ofNullable(contact), metadata, status,
                createdAt, Optional.ofNullable(deletedAt));
    }
}
