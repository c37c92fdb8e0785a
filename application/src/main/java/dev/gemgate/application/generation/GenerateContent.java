package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.RateLimitStatus;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * One generateContent call: validate, admit (quota, cache, budget), call, settle. The policy steps live in
 * {@link Admission}/{@link Ticket}; this class only says what a generation costs and where the cache sits.
 */
public final class GenerateContent {
    public record Command(RequestContext context, GenerationRequest request, CacheDirective cacheDirective) {
        public Command {
            if (context == null || request == null || cacheDirective == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    /**
     * {@code rateLimits}: where the caller stands on its rate limits, for the response's headers; {@code servedModel}:
     * the model that answered (a fallback's, when the one asked for could not).
     */
    public record Result(GenerationResponse response, Money cost, CacheStatus cacheStatus, RateLimitStatus rateLimits,
                         ModelId servedModel) {
    }

    private final PricingCatalog pricing;
    private final ResponseCache cache;
    private final UpstreamCalls upstream;
    private final Admission admission;
    private final RequestFingerprint fingerprints;
    private final Clock clock;
    private final GenerationPolicy policy;

    public GenerateContent(PricingCatalog pricing, ResponseCache cache, UpstreamCalls upstream, Admission admission,
                           RequestFingerprint fingerprints, Clock clock, GenerationPolicy policy) {
        this.pricing = pricing;
        this.cache = cache;
        this.upstream = upstream;
        this.admission = admission;
        this.fingerprints = fingerprints;
        this.clock = clock;
        this.policy = policy;
    }

    public Result execute(Command command) {
        GenerationRequest request = command.request();
        String fingerprint = fingerprints.of(request);
        Instant now = clock.instant();
        Optional<ModelPrice> price = pricing.priceAt(request.model(), now);
        Ticket ticket = admission.open(command.context(), AuditEventType.GENERATE_CONTENT, request.model(), price,
                Optional.of(fingerprint));
        try {
            ModelAccess.requireServed(price, request.model());
            RequestLimits.checkGeneration(request, policy);
            RequestLimits.Admitted admitted = RequestLimits.admitted(request, policy, ticket.spendingPolicy());
            ticket.admitQuota(admitted.quota());

            CacheKey cacheKey = new CacheKey(command.context().caller().tenant(), fingerprint);
            boolean cacheOn = !policy.cacheTtl().isZero() && command.cacheDirective() != CacheDirective.NO_STORE;
            if (cacheOn && command.cacheDirective() == CacheDirective.DEFAULT) {
                Optional<GenerationResponse> hit = cache.get(cacheKey, now);
                if (hit.isPresent()) {
                    ticket.settle(hit.get().usage(), Outcome.CACHE_HIT);
                    return new Result(hit.get(), Money.ZERO, CacheStatus.HIT, ticket.rateLimits(), request.model());
                }
            }
            ticket.reserveBudget(admitted.reservation());
            GenerationRequest forwarded = admitted.forwarded();
            UpstreamCalls.Served<GenerationResponse> served = upstream.generation(ticket, admitted.reservation(),
                    new Cancellation(), (model, credential, timeout) -> upstream.port().generate(
                            model.equals(forwarded.model()) ? forwarded : forwarded.forModel(model), credential,
                            timeout));
            GenerationResponse response = served.value();
            Money cost = ticket.settle(response.usage(), Outcome.SUCCESS);
            boolean asked = served.model().equals(request.model());
            if (cacheOn && asked) {
                cache.put(cacheKey, response, policy.cacheTtl(), clock.instant());
            }
            return new Result(response, cost, cacheOn && asked ? CacheStatus.MISS : CacheStatus.BYPASS,
                    ticket.rateLimits(), served.model());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
