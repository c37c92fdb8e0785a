package dev.gemgate.application.resource;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.CachedContent;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;

/**
 * {@code GET cachedContents/{id}}: the caller's own cache, read from Google through the credential that holds it, and
 * its record refreshed (expiry, description). Anything else is refused as Google refuses a missing cache, before
 * anything reaches the upstream ({@link CachedContentCalls}).
 */
public final class CachedContentGet {
    public record Command(RequestContext context, String id) {
        public Command {
            if (context == null) {
                throw new IllegalArgumentException("a context is required");
            }
        }
    }

    public record Result(String json, RateLimitStatus rateLimits) {
    }

    private final CachedContentCalls calls;

    public CachedContentGet(CachedContentCalls calls) {
        this.calls = calls;
    }

    public Result execute(Command command) {
        TenantResource cache = calls.owned(command.context(), AuditEventType.GET_CACHED_CONTENT, command.id());
        Ticket ticket = calls.open(command.context(), AuditEventType.GET_CACHED_CONTENT, cache);
        try {
            CachedContent read = calls.pinned(ticket, cache, (model, credential, timeout) ->
                    calls.port().get(credential, cache.name(), timeout));
            calls.store().update(cache.tenant(), cache.name(), ResourceUpdate.none()
                    .withExpireTime(read.expireTime()).withDescription(read.json()), calls.clock().instant());
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(read.json(), ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            RuntimeException answer = e instanceof RuntimeException r ? calls.answerFor(r, cache) : null;
            ticket.fail(answer == null ? e : answer);
            if (answer != null) {
                throw answer;
            }
            throw e;
        }
    }
}
