package dev.gemgate.application.resource;

import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.TenantId;

/**
 * The caller's own batch of that name, or the one answer for any other ({@link ResourceRefusals#batchNotFound}):
 * another tenant's, a deleted one, a malformed name and one that never existed are refused alike, before anything
 * reaches the upstream.
 */
final class BatchLookup {
    private BatchLookup() {
    }

    static TenantResource owned(TenantResources resources, TenantId tenant, String name) {
        if (!UpstreamResourceName.isValid(ResourceKind.BATCH, name)) {
            throw ResourceRefusals.batchNotFound();
        }
        return resources.find(tenant, new UpstreamResourceName(ResourceKind.BATCH, name))
                .orElseThrow(ResourceRefusals::batchNotFound);
    }
}
