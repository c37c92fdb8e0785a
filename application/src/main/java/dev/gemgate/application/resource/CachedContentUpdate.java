package dev.gemgate.application.resource;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CacheStorageCost;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.CachedContent;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code PATCH cachedContents/{id}} with {@code {"ttl":"600s"}} or {@code {"expireTime":"..."}} (one of them; Google
 * updates nothing else and the SDKs send no update mask): the caller's own cache gets a new expiry at Google, through
 * the credential that holds it. The tenant must be able to afford the storage until the new expiry (a budget
 * reservation for it, given back at the end); the storage so far is charged at once, and from then on the charge runs
 * to the new expiry, so a shorter TTL stops it earlier. Anything else is refused as Google refuses a missing cache.
 */
public final class CachedContentUpdate {
    public record Command(RequestContext context, String id, Map<String, Object> body, String originalJson) {
        public Command {
            if (context == null || body == null || originalJson == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    public record Result(String json, RateLimitStatus rateLimits) {
    }

    private final CachedContentCalls calls;
    private final PricingCatalog pricing;

    public CachedContentUpdate(CachedContentCalls calls, PricingCatalog pricing) {
        this.calls = calls;
        this.pricing = pricing;
    }

    public Result execute(Command command) {
        Instant now = calls.clock().instant();
        Instant newExpiry = CachedContentBodies.requestedExpiry(command.body(), now).orElseThrow(() ->
                new InvalidRequestException("Set ttl or expireTime: they are the only fields of a cached content "
                        + "that can be updated."));
        TenantResource cache = calls.owned(command.context(), AuditEventType.UPDATE_CACHED_CONTENT, command.id());
        Ticket ticket = calls.open(command.context(), AuditEventType.UPDATE_CACHED_CONTENT, cache);
        try {
            Money storage = pricing.priceAt(cache.model().orElseThrow(), now)
                    .flatMap(ModelPrice::cacheStoragePerHour)
                    .map(rate -> CacheStorageCost.of(rate, cache.tokenCount().orElse(0),
                            newExpiry.isAfter(now) ? Duration.between(now, newExpiry) : Duration.ZERO))
                    .orElse(Money.ZERO);
            ticket.reserveBudget(Usage.NONE, storage);
            CachedContent updated = calls.pinned(ticket, cache, (model, credential, timeout) ->
                    calls.port().update(credential, cache.name(), command.originalJson(), timeout));
            TenantResource stored = calls.store().update(cache.tenant(), cache.name(), ResourceUpdate.none()
                            .withExpireTime(updated.expireTime()).withDescription(updated.json()),
                    calls.clock().instant()).orElse(cache);
            calls.chargeStorageSoFar(stored);
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(updated.json(), ticket.rateLimits());
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
