package dev.gemgate.application.resource;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CacheStorageCost;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.CachedContent;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST cachedContents}: a context cache created for the caller's tenant and billed. The model comes from the
 * body (the key's model scope applies; a model the catalog cannot price, or whose storage it cannot price, is
 * refused). Admission as any request: its estimated tokens against the rate limits, then a budget reservation of what
 * the tenant commits to, the cached tokens at the normal input rate (Google bills a cache's creation as input) plus
 * their storage for the TTL asked for (one hour by default). The credential the pool picks creates it; the cache is
 * recorded as the tenant's (with that credential, its model, Google's token count, expiry and description), and the
 * creation is settled at Google's token count. Storage is charged as it is used ({@link CacheStorageCharges}), from
 * Google's creation time.
 */
public final class CachedContentCreate {
    public record Command(RequestContext context, Map<String, Object> body, String originalJson) {
        public Command {
            if (context == null || body == null || originalJson == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    /** Google's CachedContent, what the creation cost, where the caller stands on its rate limits. */
    public record Result(String json, Money cost, RateLimitStatus rateLimits) {
    }

    private record Created(UpstreamCredential credential, CachedContent cache) {
    }

    private static final Duration UNDO_TIMEOUT = Duration.ofSeconds(10);

    private final CachedContentCalls calls;
    private final PricingCatalog pricing;
    private final TokenEstimator estimator;
    private final IdGenerator ids;

    public CachedContentCreate(CachedContentCalls calls, PricingCatalog pricing, TokenEstimator estimator,
                               IdGenerator ids) {
        this.calls = calls;
        this.pricing = pricing;
        this.estimator = estimator;
        this.ids = ids;
    }

    /**
     * Records the new cache as the caller's. Should that fail (the store is down, or holds a live record of the same
     * name), the cache is deleted upstream again, best effort: a cache nobody owns would be stored, unbilled, until it
     * expires.
     */
    private void record(RequestContext context, Created created, Instant createdAt) {
        CachedContent cache = created.cache();
        try {
            calls.store().record(TenantResource.created(ids.newUuid(), cache.name(), context.caller().tenant(),
                            context.caller().apiKey(), created.credential().id(), Optional.of(cache.model()),
                            "ACTIVE", Optional.of(cache.expireTime()), createdAt)
                    .withTokenCount(cache.totalTokens()).withDescription(cache.json()));
        } catch (RuntimeException e) {
            try {
                calls.port().delete(created.credential(), cache.name(), UNDO_TIMEOUT);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    public Result execute(Command command) {
        RequestContext context = command.context();
        ModelId model = CachedContentBodies.model(command.body());
        Instant now = calls.clock().instant();
        Optional<ModelPrice> price = pricing.priceAt(model, now);
        Ticket ticket = calls.admission().open(context, AuditEventType.CREATE_CACHED_CONTENT, model, price,
                Optional.empty());
        try {
            ModelPrice served = price.orElseThrow(() -> new NotFoundException("models/" + model
                    + " is not found or is not served by this gateway."));
            TokenRate storage = served.cacheStoragePerHour().orElseThrow(() -> new InvalidRequestException(
                    "models/" + model + " has no context-cache storage price in this gateway's catalog, so its "
                            + "caches cannot be billed; ask the gateway's operator to add one."));
            Duration lifetime = CachedContentBodies.requestedExpiry(command.body(), now)
                    .map(e -> Duration.between(now, e)).orElse(CachedContentBodies.DEFAULT_TTL);
            GenerationRequest cached = new GenerationRequest(model, CachedContentBodies.cachedPart(command.body()));
            long tokens = estimator.boundInput(cached).tokens();
            ticket.admitQuota(tokens);
            // the files the cache is made of must be the caller's own, and the cache is made in their project
            UpstreamCalls.Pin pin = ticket.pinFor(cached);
            ticket.reserveBudget(new Usage(tokens, 0, 0, 0), CacheStorageCost.of(storage, tokens,
                    lifetime.isNegative() ? Duration.ZERO : lifetime));
            UpstreamCalls.Attempt<Created> create = (m, credential, timeout) ->
                    new Created(credential, calls.port().create(credential, command.originalJson(), timeout));
            Created created = calls.upstream().retrying(ticket, pin.credential(), create).value();
            CachedContent cache = created.cache();
            Instant createdAt = cache.createTime().filter(t -> !t.isAfter(calls.clock().instant()))
                    .orElse(calls.clock().instant());
            record(context, created, createdAt);
            Money cost = ticket.settle(new Usage(cache.totalTokens(), 0, 0, 0), Outcome.SUCCESS);
            return new Result(cache.json(), cost, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
