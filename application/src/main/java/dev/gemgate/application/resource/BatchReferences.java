package dev.gemgate.application.resource;

import dev.gemgate.domain.resource.ResourcePin;
import dev.gemgate.domain.resource.ResourceReferences;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The server-side resources a batch names (its input file, and the files and context caches its inlined requests
 * reference), checked by the same rule as a generation's ({@link ResourcePin}: the caller's own and alive, else
 * Google's answer for a missing one, before anything reaches the upstream; all in one credential's project, which the
 * batch is then pinned to), read by the same reader ({@link ResourceReferences}).
 */
final class BatchReferences {
    private final ResourcePin pin;

    BatchReferences(TenantResources resources, TenantId tenant, Instant now) {
        this.pin = new ResourcePin(resources, tenant, now);
    }

    /** The credential every named resource lives under; empty when the batch names none. */
    Optional<UpstreamCredentialId> pin() {
        return pin.credential();
    }

    /** The caller's file named {@code name} (the batch's input file), else Google's refusal for a missing file. */
    TenantResource requireFile(String name) {
        return pin.use(ResourceReferences.requiredFile(name));
    }

    /** Checks the {@code fileData} parts and the {@code cachedContent} of one inlined request. */
    void checkRequest(Map<String, Object> request) {
        ResourceReferences.in(request).forEach(pin::use);
    }
}
