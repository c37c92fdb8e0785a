package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** Row of {@code tenants}; never leaves this module (adapters map it to {@link Tenant}). */
@Entity
@Table(name = "tenants")
class TenantEntity extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(nullable = false, length = Tenant.MAX_NAME_LENGTH)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public TenantStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    void copyFrom(Tenant tenant) {
        id = tenant.id().value();
        name = tenant.name();
        status = tenant.status();
        createdAt = Timestamps.toDatabase(tenant.createdAt());
    }

    Tenant toDomain() {
        return new Tenant(new TenantId(id), name, status, createdAt);
    }
}
