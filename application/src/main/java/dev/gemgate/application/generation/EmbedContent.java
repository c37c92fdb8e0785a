package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.RateLimitStatus;

import java.time.Clock;
import java.util.Optional;

/**
 * embedContent and batchEmbedContents: validate, admit (quota, budget), embed, settle. Priced from the catalog by input
 * tokens (embeddings have no output). The Developer API reports no token count for embeddings, so the charge is the
 * local estimate the request was admitted with, unless the upstream reports its own count (Vertex AI does).
 */
public final class EmbedContent {
    public record Command(RequestContext context, EmbeddingRequest request) {
        public Command {
            if (context == null || request == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    /**
     * The upstream's embeddings, where the caller stands on its rate limits (for the response's headers), what the call
     * cost and the input tokens it was charged for (the upstream's count when it reports one, else the estimate it was
     * admitted with): the OpenAI surface reports them as its {@code usage}.
     */
    public record Result(EmbeddingResponse response, RateLimitStatus rateLimits, Money cost, long inputTokens) {
    }

    private final PricingCatalog pricing;
    private final UpstreamCalls upstream;
    private final Admission admission;
    private final Clock clock;
    private final GenerationPolicy policy;

    public EmbedContent(PricingCatalog pricing, UpstreamCalls upstream, Admission admission, Clock clock,
                        GenerationPolicy policy) {
        this.pricing = pricing;
        this.upstream = upstream;
        this.admission = admission;
        this.clock = clock;
        this.policy = policy;
    }

    public Result execute(Command command) {
        EmbeddingRequest request = command.request();
        Optional<ModelPrice> price = pricing.priceAt(request.model(), clock.instant());
        Ticket ticket = admission.open(command.context(), AuditEventType.EMBED_CONTENT, request.model(), price,
                Optional.empty());
        try {
            ModelAccess.requireServed(price, request.model());
            RequestLimits.checkInlineBytes(request.inlineBytes(), request.model(), policy);
            long estimate = TokenEstimator.estimateEmbedding(request);
            ticket.admitQuota(estimate);
            ticket.reserveBudget(new Usage(estimate, 0, 0, 0));
            EmbeddingResponse response = upstream.retrying(ticket, (model, credential, timeout) ->
                    upstream.port().embed(request, credential, timeout)).value();
            long inputTokens = response.reportedTokens().orElse(estimate);
            Money cost = ticket.settle(new Usage(inputTokens, 0, 0, 0), Outcome.SUCCESS);
            return new Result(response, ticket.rateLimits(), cost, inputTokens);
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
