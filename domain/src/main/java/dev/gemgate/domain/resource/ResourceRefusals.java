package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;

/**
 * The one answer for a resource the caller may not see: another tenant's, a deleted one, and one that never existed get
 * exactly the words Google answers for a resource that does not exist, so that nothing tells them apart. For files and
 * context caches that is Google's 403 PERMISSION_DENIED (Google itself makes "not yours" and "missing" one answer); for
 * batches 404 NOT_FOUND. The gateway answers these from its own record, before anything reaches the upstream.
 */
public final class ResourceRefusals {
    private ResourceRefusals() {
    }

    /** For {@code name} (of any kind), as Google words it for a missing resource of that kind. */
    public static DomainException notFound(UpstreamResourceName name) {
        return switch (name.kind()) {
            case FILE -> fileNotFound(name.id());
            case CACHED_CONTENT -> cachedContentNotFound();
            case BATCH -> batchNotFound();
        };
    }

    /** Google's answer for a file that is missing (or not the caller's), naming the id the caller sent. */
    public static PermissionDeniedException fileNotFound(String id) {
        return new PermissionDeniedException("You do not have permission to access the File " + id
                + " or it may not exist.");
    }

    /** Google's answer for a context cache that is missing, expired or not the caller's. */
    public static PermissionDeniedException cachedContentNotFound() {
        return new PermissionDeniedException("CachedContent not found (or permission denied)");
    }

    /** The answer for a batch that is missing or not the caller's. */
    public static NotFoundException batchNotFound() {
        return new NotFoundException("Requested entity was not found.");
    }
}
