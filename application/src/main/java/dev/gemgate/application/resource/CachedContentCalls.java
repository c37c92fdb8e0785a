package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.CacheStorage;
import dev.gemgate.domain.resource.CachedContentsPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * What every call on an existing context cache does the same way: find the caller's own cache by the id it sent (or
 * refuse it with Google's words for a cache that does not exist, before anything reaches the upstream, counted against
 * the caller's request limits and audited like any refusal), open its ticket in the cache's model (the key's model
 * scope applies), call the upstream pinned to the credential whose project holds the cache, and, when Google says the
 * cache is gone (it expired), close the record, charge its storage to its end and answer the same refusal.
 */
public final class CachedContentCalls {
    /** The upstream lane of the calls that name no model (a list, a refusal): Google limits its cache API apart. */
    static final ModelId LANE = new ModelId("cached-contents");

    private final TenantResources store;
    private final CachedContentsPort port;
    private final Admission admission;
    private final UpstreamCalls upstream;
    private final CacheStorageCharges charges;
    private final Clock clock;

    public CachedContentCalls(TenantResources store, CachedContentsPort port, Admission admission,
                              UpstreamCalls upstream, CacheStorageCharges charges, Clock clock) {
        if (store == null || port == null || admission == null || upstream == null || charges == null
                || clock == null) {
            throw new IllegalArgumentException("every collaborator of the cache calls is required");
        }
        this.store = store;
        this.port = port;
        this.admission = admission;
        this.upstream = upstream;
        this.charges = charges;
        this.clock = clock;
    }

    TenantResources store() {
        return store;
    }

    CachedContentsPort port() {
        return port;
    }

    Admission admission() {
        return admission;
    }

    UpstreamCalls upstream() {
        return upstream;
    }

    CacheStorageCharges charges() {
        return charges;
    }

    Clock clock() {
        return clock;
    }

    /**
     * The caller's live cache {@code cachedContents/{id}}. Another tenant's, a deleted, an expired, an unknown and a
     * malformed id are one answer: {@link ResourceRefusals#cachedContentNotFound()}, thrown after the refusal was
     * counted and audited as {@code type}. An expired one is closed and charged to its expiry on the way.
     */
    TenantResource owned(RequestContext context, AuditEventType type, String id) {
        String value = ResourceKind.CACHED_CONTENT.prefix() + (id == null ? "" : id);
        Optional<TenantResource> found = UpstreamResourceName.isValid(ResourceKind.CACHED_CONTENT, value)
                ? store.find(context.caller().tenant(), new UpstreamResourceName(ResourceKind.CACHED_CONTENT, value))
                : Optional.empty();
        if (found.isPresent() && found.get().expireTime().map(e -> !e.isAfter(clock.instant())).orElse(false)) {
            closeGone(found.get());
            found = Optional.empty();
        }
        if (found.isEmpty()) {
            throw refused(context, type);
        }
        return found.get();
    }

    private RuntimeException refused(RequestContext context, AuditEventType type) {
        Ticket ticket = admission.openWithoutModel(context, type, LANE);
        RuntimeException refusal = ResourceRefusals.cachedContentNotFound();
        try {
            ticket.admitQuotaWithoutTokens();
        } catch (RuntimeException e) {
            refusal = e;
        }
        ticket.fail(refusal);
        return refusal;
    }

    /** The ticket of a call on {@code cache}, its request admitted (no tokens): in the cache's model. */
    Ticket open(RequestContext context, AuditEventType type, TenantResource cache) {
        Ticket ticket = admission.open(context, type, cache.model().orElseThrow(), Optional.empty(),
                Optional.empty());
        try {
            ticket.admitQuotaWithoutTokens();
        } catch (RuntimeException e) {
            ticket.fail(e);
            throw e;
        }
        return ticket;
    }

    /** A call on {@code cache} upstream, pinned to its credential. */
    <T> T pinned(Ticket ticket, TenantResource cache, UpstreamCalls.Attempt<T> attempt) {
        return upstream.pinned(ticket, cache.credential(), attempt).value();
    }

    /**
     * What a failure of a call on {@code cache} answers: when Google no longer has it, the record is closed, its storage
     * charged to its end, and the caller gets the refusal for a missing cache; any other failure as it is.
     */
    RuntimeException answerFor(RuntimeException failure, TenantResource cache) {
        if (failure instanceof UpstreamException u && u.kind() == UpstreamException.Kind.NOT_FOUND) {
            closeGone(cache);
            return ResourceRefusals.cachedContentNotFound();
        }
        return failure;
    }

    private void closeGone(TenantResource cache) {
        Instant now = clock.instant();
        Instant end = cache.expireTime().filter(e -> e.isBefore(now)).orElse(now);
        store.delete(cache.tenant(), cache.name(), now);
        if (cache.model().isPresent() && cache.tokenCount().isPresent()) {
            charges.chargeThrough(CacheStorage.of(cache), end);
        }
    }

    /** Charges {@code cache}'s storage up to now (a TTL change, a deletion: the time lived so far). */
    void chargeStorageSoFar(TenantResource cache) {
        if (cache.model().isPresent() && cache.tokenCount().isPresent()) {
            charges.chargeThrough(CacheStorage.of(cache), clock.instant());
        }
    }
}
