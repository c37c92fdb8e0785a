package dev.gemgate.application.resource;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourcePage;
import dev.gemgate.domain.resource.TenantResource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET cachedContents?pageSize=&pageToken=}: the caller's own caches, newest first, answered from the ownership
 * store (each as Google last described it), never by listing upstream, where every tenant's caches of a credential
 * are. One request against the caller's request limits. Caches that expired are left out (Google has dropped them).
 * {@code pageSize}: absent or 0 means {@value #DEFAULT_PAGE_SIZE}, at most {@value #MAX_PAGE_SIZE} (Google's cap).
 */
public final class CachedContentList {
    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 1000;

    public record Query(RequestContext context, Optional<Integer> pageSize, Optional<String> pageToken) {
        public Query {
            if (context == null || pageSize == null || pageToken == null) {
                throw new IllegalArgumentException("query fields are required (Optional.empty when absent)");
            }
        }
    }

    /** The caches' descriptions (CachedContent JSON texts) and the next page's token, absent on the last page. */
    public record Result(List<String> cachedContents, Optional<String> nextPageToken, RateLimitStatus rateLimits) {
    }

    private final CachedContentCalls calls;

    public CachedContentList(CachedContentCalls calls) {
        this.calls = calls;
    }

    public Result execute(Query query) {
        int size = query.pageSize().orElse(0);
        if (size < 0) {
            throw InvalidRequestException.forField("pageSize", "must not be negative");
        }
        int pageSize = size == 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
        Ticket ticket = calls.admission().openWithoutModel(query.context(), AuditEventType.LIST_CACHED_CONTENTS,
                CachedContentCalls.LANE);
        try {
            ticket.admitQuotaWithoutTokens();
            ResourcePage page = calls.store().list(query.context().caller().tenant(), ResourceKind.CACHED_CONTENT,
                    pageSize, query.pageToken().filter(t -> !t.isEmpty()));
            Instant now = calls.clock().instant();
            List<String> caches = page.resources().stream()
                    .filter(r -> r.expireTime().map(now::isBefore).orElse(true))
                    .map(TenantResource::description).filter(d -> !d.isEmpty()).toList();
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(caches, page.nextPageToken(), ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
