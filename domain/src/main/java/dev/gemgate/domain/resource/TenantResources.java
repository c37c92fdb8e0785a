package dev.gemgate.domain.resource;

import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.Optional;

/**
 * Port: who owns each Gemini server-side resource (file, context cache, batch job) created through Gemgate, shared by
 * every replica. Every read and write names the tenant, and a resource of another tenant, a deleted one and one that
 * never existed are the same to it: {@code Optional.empty()}. Callers answer all three exactly alike ("does not
 * exist"), so nothing leaks across tenants.
 *
 * <p><b>Uniqueness.</b> Among resources not deleted: (kind, upstream name, credential) is unique, since Google names a
 * resource within one project (one credential); the same name under two credentials is two resources. And
 * (tenant, kind, upstream name) is unique, so that a name a tenant sends resolves to exactly one resource and one
 * credential. A deleted resource blocks neither: Google may reuse a name once it is gone (a caller may choose a file's
 * id). A live resource whose {@code expireTime} is past (Google has dropped it) does not block a new one of the same
 * name and credential either: recording the new one marks the expired one deleted at its expiry.
 */
public interface TenantResources {
    int MAX_PAGE_SIZE = 1000;

    /**
     * A store in which nobody owns anything: every reference to a resource is refused (wiring without a database, and
     * tests that create no resources).
     */
    static TenantResources none() {
        return NoTenantResources.INSTANCE;
    }

    /**
     * Records a resource just created upstream (its {@code deletedAt} must be empty).
     *
     * @throws dev.gemgate.domain.common.ConflictException when a live, unexpired resource of the same kind, name and
     *         credential exists, or the tenant has a live one of the same kind and name (under another credential)
     */
    TenantResource record(TenantResource resource);

    /** The tenant's live resource of that kind and name; empty for another tenant's, a deleted or an unknown one. */
    Optional<TenantResource> find(TenantId tenant, UpstreamResourceName name);

    /**
     * The tenant's live resources of {@code kind}, newest first (creation time, then id), {@code pageSize} at most
     * (1 to {@link #MAX_PAGE_SIZE}: the caller applies Gemini's default and cap), after {@code pageToken} (a
     * {@link ResourcePage#nextPageToken} of the same list; a malformed one is an
     * {@link dev.gemgate.domain.common.InvalidRequestException} on {@code pageToken}). Keyset paging: a resource
     * recorded or deleted between two pages neither repeats nor skips the others.
     */
    ResourcePage list(TenantId tenant, ResourceKind kind, int pageSize, Optional<String> pageToken);

    /**
     * Applies {@code update} to the tenant's live resource and sets {@code updatedAt} to {@code now} (never before its
     * creation); returns it as it is now, or empty (nothing changed) as {@link #find} would.
     */
    Optional<TenantResource> update(TenantId tenant, UpstreamResourceName name, ResourceUpdate update, Instant now);

    /**
     * Marks the tenant's live resource deleted at {@code now} and returns it as it is now; the record stays for
     * billing history but is never found, listed or updated again. Empty (nothing changed) as {@link #find} would.
     */
    Optional<TenantResource> delete(TenantId tenant, UpstreamResourceName name, Instant now);
}
