package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicySource;
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
 * {@link Admission}/{@link Ticket} and the cache step in {@link ResponseCaching}; this class only says what a
 * generation costs and where the cache sits: after the quota (a hit is still a request against the rate limits) and
 * before the budget (a hit costs nothing, settled through the ticket as CACHE_HIT). A request that waits for an
 * identical one in flight waits there too, holding its quota admission but no budget.
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
    private final ResponseCaching caching;
    private final UpstreamCalls upstream;
    private final Admission admission;
    private final RequestFingerprint fingerprints;
    private final Clock clock;
    private final GenerationPolicy policy;

    /**
     * Every tenant cached for {@link GenerationPolicy#cacheTtl} (deterministic requests only), as production does with
     * the configured default and no tenant policies: for tests and single-shot wiring.
     */
    public GenerateContent(PricingCatalog pricing, ResponseCache cache, UpstreamCalls upstream, Admission admission,
                           RequestFingerprint fingerprints, Clock clock, GenerationPolicy policy) {
        this(pricing, new ResponseCaching(cache, CachePolicySource.fixed(new CachePolicy(policy.cacheTtl(), false)),
                fingerprints, clock), upstream, admission, fingerprints, clock, policy);
    }

    public GenerateContent(PricingCatalog pricing, ResponseCaching caching, UpstreamCalls upstream,
                           Admission admission, RequestFingerprint fingerprints, Clock clock, GenerationPolicy policy) {
        this.pricing = pricing;
        this.caching = caching;
        this.upstream = upstream;
        this.admission = admission;
        this.fingerprints = fingerprints;
        this.clock = clock;
        this.policy = policy;
    }

    public Result execute(Command command) {
        GenerationRequest request = command.request();
        Instant now = clock.instant();
        Optional<ModelPrice> price = pricing.priceAt(request.model(), now);
        Ticket ticket = admission.open(command.context(), AuditEventType.GENERATE_CONTENT, request.model(), price,
                Optional.of(fingerprints.of(request)));
        ResponseCaching.Turn turn = null;
        try {
            ModelAccess.requireServed(price, request.model());
            RequestLimits.checkGeneration(request, policy);
            RequestLimits.Admitted admitted = RequestLimits.admitted(request, policy, ticket.spendingPolicy());
            ticket.admitQuota(admitted.quota());
            UpstreamCalls.Pin pin = ticket.pinFor(request);

            ResponseCaching.Plan plan = caching.plan(command.context().caller().tenant(), request,
                    command.cacheDirective());
            Optional<GenerationResponse> hit = caching.lookup(plan);
            if (hit.isEmpty()) {
                turn = caching.join(plan);
                if (turn instanceof ResponseCaching.Follower follower) {
                    hit = follower.await(upstream.deadlineOf(ticket));
                }
            }
            if (hit.isPresent()) {
                ticket.settle(hit.get().usage(), Outcome.CACHE_HIT);
                return new Result(hit.get(), Money.ZERO, CacheStatus.HIT, ticket.rateLimits(), request.model());
            }
            ticket.reserveBudget(admitted.reservation());
            GenerationRequest forwarded = admitted.forwarded();
            UpstreamCalls.Served<GenerationResponse> served = upstream.generation(ticket, admitted.reservation(),
                    new Cancellation(), pin, (model, credential, timeout) -> upstream.port().generate(
                            model.equals(forwarded.model()) ? forwarded : forwarded.forModel(model), credential,
                            timeout));
            GenerationResponse response = served.value();
            Money cost = ticket.settle(response.usage(), Outcome.SUCCESS);
            caching.store(plan, response, request.model(), served.model());
            if (turn instanceof ResponseCaching.Leader leader) {
                leader.finish(response, ResponseCaching.storable(plan, response, request.model(), served.model()));
            }
            boolean asked = served.model().equals(request.model());
            return new Result(response, cost, asked ? plan.missStatus() : CacheStatus.BYPASS, ticket.rateLimits(),
                    served.model());
        } catch (RuntimeException | Error e) {
            if (turn instanceof ResponseCaching.Leader leader) {
                leader.fail(e);
            }
            ticket.fail(e);
            throw e;
        }
    }
}
