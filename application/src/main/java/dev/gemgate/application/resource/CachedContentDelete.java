package dev.gemgate.application.resource;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.TenantResource;

/**
 * {@code DELETE cachedContents/{id}}: the caller's own cache, deleted at Google through the credential that holds it;
 * its record is closed and its storage charged up to now, which stops the charge. Anything else is refused as Google
 * refuses a missing cache, before anything reaches the upstream.
 */
public final class CachedContentDelete {
    public record Command(RequestContext context, String id) {
        public Command {
            if (context == null) {
                throw new IllegalArgumentException("a context is required");
            }
        }
    }

    public record Result(RateLimitStatus rateLimits) {
    }

    private final CachedContentCalls calls;

    public CachedContentDelete(CachedContentCalls calls) {
        this.calls = calls;
    }

    public Result execute(Command command) {
        TenantResource cache = calls.owned(command.context(), AuditEventType.DELETE_CACHED_CONTENT, command.id());
        Ticket ticket = calls.open(command.context(), AuditEventType.DELETE_CACHED_CONTENT, cache);
        try {
            calls.pinned(ticket, cache, (model, credential, timeout) -> {
                calls.port().delete(credential, cache.name(), timeout);
                return Boolean.TRUE;
            });
            calls.store().delete(cache.tenant(), cache.name(), calls.clock().instant());
            calls.chargeStorageSoFar(cache);
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(ticket.rateLimits());
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
