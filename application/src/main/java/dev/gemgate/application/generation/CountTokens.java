package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.RateLimitStatus;

import java.time.Clock;
import java.util.Optional;

/**
 * Counts a request's tokens with the upstream. Free at Google, so nothing is charged and no tokens count against the
 * tokens-per-minute limits, but it is one request against the request limits (as at Google), is held to the same size
 * limits as generate and is recorded like every other request.
 */
public final class CountTokens {
    public record Command(RequestContext context, GenerationRequest request) {
    }

    /** The upstream's count, and where the caller stands on its rate limits (for the response's headers). */
    public record Result(long totalTokens, RateLimitStatus rateLimits) {
    }

    private final PricingCatalog pricing;
    private final UpstreamCalls upstream;
    private final Admission admission;
    private final Clock clock;
    private final GenerationPolicy policy;

    public CountTokens(PricingCatalog pricing, UpstreamCalls upstream, Admission admission, Clock clock,
                       GenerationPolicy policy) {
        this.pricing = pricing;
        this.upstream = upstream;
        this.admission = admission;
        this.clock = clock;
        this.policy = policy;
    }

    public Result execute(Command command) {
        GenerationRequest request = command.request();
        Ticket ticket = admission.open(command.context(), AuditEventType.COUNT_TOKENS, request.model(),
                Optional.empty(), Optional.empty());
        try {
            ModelAccess.requireServed(pricing, request.model(), clock.instant());
            RequestLimits.check(request, policy);
            ticket.admitQuotaWithoutTokens();
            UpstreamCalls.Pin pin = ticket.pinFor(request);
            UpstreamCalls.Attempt<Long> count = (model, credential, timeout) ->
                    upstream.port().countTokens(request, credential, timeout);
            long total = upstream.retrying(ticket, pin.credential(), count).value();
            ticket.settle(new Usage(total, 0, 0, 0), Outcome.SUCCESS);
            return new Result(total, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
