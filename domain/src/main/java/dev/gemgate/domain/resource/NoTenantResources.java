package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link TenantResources#none()}: owns nothing and records nothing. */
enum NoTenantResources implements TenantResources {
    INSTANCE;

    @Override
    public TenantResource record(TenantResource resource) {
        throw new ConflictException("this gateway keeps no server-side resources");
    }

    @Override
    public Optional<TenantResource> find(TenantId tenant, UpstreamResourceName name) {
        return Optional.empty();
    }

    @Override
    public ResourcePage list(TenantId tenant, ResourceKind kind, int pageSize, Optional<String> pageToken) {
        return new ResourcePage(List.of(), Optional.empty());
    }

    @Override
    public Optional<TenantResource> update(TenantId tenant, UpstreamResourceName name, ResourceUpdate update,
                                           Instant now) {
        return Optional.empty();
    }

    @Override
    public Optional<TenantResource> delete(TenantId tenant, UpstreamResourceName name, Instant now) {
        return Optional.empty();
    }
}
