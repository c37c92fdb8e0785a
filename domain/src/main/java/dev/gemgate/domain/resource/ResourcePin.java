package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.time.Instant;
import java.util.Optional;

/**
 * The ownership check of one request that names server-side resources (a generation, a batch and its inlined requests):
 * each name {@link #use}d must be a living resource of the caller's tenant, else the refusal Google gives for a
 * resource that does not exist ({@link ResourceRefusals}); and all must live in one credential's Google project, which
 * the request is then held to ({@link #credential}). The one implementation of this rule: every surface and use case
 * that forwards a resource name goes through it.
 */
public final class ResourcePin {
    private final TenantResources resources;
    private final TenantId tenant;
    private final Instant now;
    private Optional<UpstreamCredentialId> credential = Optional.empty();
    private boolean namesCache;

    public ResourcePin(TenantResources resources, TenantId tenant, Instant now) {
        if (resources == null || tenant == null || now == null) {
            throw new IllegalArgumentException("a resource pin needs the store, the tenant and the time");
        }
        this.resources = resources;
        this.tenant = tenant;
        this.now = now;
    }

    /** The caller's living resource {@code name}, or the refusal of a missing one; it must share the others' project. */
    public TenantResource use(UpstreamResourceName name) {
        TenantResource owned = resources.find(tenant, name)
                .filter(r -> r.expireTime().map(now::isBefore).orElse(true))
                .orElseThrow(() -> ResourceRefusals.notFound(name));
        if (credential.isPresent() && !credential.get().equals(owned.credential())) {
            throw new InvalidRequestException("The files and cached content of one request must have been created "
                    + "through the same upstream project; " + name + " was not. Upload the file again, or create "
                    + "the cache from files of one project.");
        }
        credential = Optional.of(owned.credential());
        namesCache |= name.kind() == ResourceKind.CACHED_CONTENT;
        return owned;
    }

    /** The credential whose project holds every resource used; empty when none was. */
    public Optional<UpstreamCredentialId> credential() {
        return credential;
    }

    /** Whether a context cache was used (the request is then held to the cache's model too). */
    public boolean namesCache() {
        return namesCache;
    }
}
