package dev.gemgate.application.resource;

import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.generation.RequestLimits;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.JsonText;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates a batch job ({@code models/{m}:batchGenerateContent} or {@code :asyncBatchEmbedContent}) for the caller's
 * tenant, through the one admission path, and records it as the tenant's own.
 *
 * <ul>
 *   <li><b>Input.</b> {@code batch.inputConfig} has exactly one of inlined requests ({@code requests.requests[]}) and
 *       an input file ({@code fileName}, or {@code file_name} as the SDKs send it for embeddings). The file, and
 *       every file ({@code fileData}) and context cache ({@code cachedContent}) an inlined request names, must be
 *       the caller's own ({@link BatchReferences}): else Google's answer for a missing one, before anything is sent;
 *       the job is then created with the credential holding them.</li>
 *   <li><b>Quota</b> (the documented rule): a creation counts as one request against the tenant's, key's and
 *       tenant x model's request limits, plus its estimated tokens against their token limits: for inlined
 *       requests, what each would be admitted with as a generate (or embed) call, summed; for an input file, the
 *       bound below. The tokens stay counted (they are spent at Google over the following hours).</li>
 *   <li><b>Budget.</b> Reserved at the batch price ({@link ModelPrice#batchCost}, 50% off by default): each inlined
 *       request's upper bound as a generate call would reserve it ({@link RequestLimits#admitted}), priced, discounted
 *       and summed; an embedding request's input estimate. For an input file the gateway reads nothing of it and
 *       reserves a documented bound: its size in bytes as input tokens (a token covers at least one byte), and
 *       {@link BatchSettings#fileOutputTokensPerRequest} output tokens for each request the file can hold (a request
 *       line is at least {@link #MIN_LINE_BYTES} bytes). The reservation is held for
 *       {@link BatchSettings#reservationTtl} and settled from the job's results when it ends ({@link BatchSettlement}).</li>
 * </ul>
 */
public final class BatchCreate {
    /** The shortest JSONL request line: {@code {"request":{"contents":[{"parts":[{"text":""}]}]}}}. */
    public static final long MIN_LINE_BYTES = 50;
    private static final CostCalculator CALCULATOR = new CostCalculator();

    public record Command(RequestContext context, ModelId model, BatchesPort.Method method, Map<String, Object> body,
                          String originalJson) {
        public Command {
            if (context == null || model == null || method == null || body == null || originalJson == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    /** Google's Operation as it answered, and where the caller stands on its rate limits. */
    public record Result(BatchOperation operation, RateLimitStatus rateLimits) {
    }

    private final PricingCatalog pricing;
    private final UpstreamCalls upstream;
    private final Admission admission;
    private final BatchesPort batches;
    private final TenantResources resources;
    private final BatchJobs jobs;
    private final IdGenerator ids;
    private final Clock clock;
    private final GenerationPolicy policy;
    private final BatchSettings settings;

    public BatchCreate(PricingCatalog pricing, UpstreamCalls upstream, Admission admission, BatchesPort batches,
                       TenantResources resources, BatchJobs jobs, IdGenerator ids, Clock clock,
                       GenerationPolicy policy, BatchSettings settings) {
        this.pricing = pricing;
        this.upstream = upstream;
        this.admission = admission;
        this.batches = batches;
        this.resources = resources;
        this.jobs = jobs;
        this.ids = ids;
        this.clock = clock;
        this.policy = policy;
        this.settings = settings;
    }

    /** What a job's input costs before it runs: tokens for the quota, money for the reservation, its request count. */
    private record Estimate(long quotaTokens, Money reservation, long requests, Optional<String> rewrittenBody) {
    }

    public Result execute(Command command) {
        RequestContext context = command.context();
        boolean embed = command.method() == BatchesPort.Method.ASYNC_BATCH_EMBED_CONTENT;
        Optional<ModelPrice> price = pricing.priceAt(command.model(), clock.instant());
        Ticket ticket = admission.open(context, embed ? AuditEventType.ASYNC_BATCH_EMBED_CONTENT
                : AuditEventType.BATCH_GENERATE_CONTENT, command.model(), price, Optional.empty());
        try {
            ModelPrice served = price.orElseThrow(() -> new NotFoundException("models/" + command.model()
                    + " is not found or is not served by this gateway."));
            BatchReferences references = new BatchReferences(resources, context.caller().tenant(),
                    clock.instant());
            Estimate estimate = estimate(command, embed, served, references, ticket);
            ticket.admitQuota(estimate.quotaTokens());
            ticket.reserveBudget(estimate.reservation(), settings.reservationTtl());
            AtomicReference<UpstreamCredentialId> creator = new AtomicReference<>();
            UpstreamCalls.Attempt<BatchOperation> create = (model, credential, timeout) -> {
                creator.set(credential.id());
                return batches.create(command.model(), command.method(),
                        estimate.rewrittenBody().orElse(command.originalJson()), credential, timeout);
            };
            BatchOperation operation = upstream.retrying(ticket, references.pin(), create).value();
            UpstreamResourceName name = operation.name().orElseThrow(() -> new UpstreamException(
                    UpstreamException.Kind.PROTOCOL_ERROR, 200, "the upstream answered a batch without a name"));
            record(context, command.model(), name, creator.get(), operation, estimate, ticket);
            return new Result(operation, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }

    private void record(RequestContext context, ModelId model, UpstreamResourceName name,
                        UpstreamCredentialId credential, BatchOperation operation, Estimate estimate, Ticket ticket) {
        Instant now = clock.instant();
        TenantResource batch = TenantResource.created(ids.newUuid(), name, context.caller().tenant(),
                        context.caller().apiKey(), credential, Optional.of(model), operation.state(),
                        Optional.empty(), now)
                .withRequestCount(operation.requestCount().orElse(estimate.requests()))
                .withReserved(ticket.reserved())
                .withDescription(JsonText.write(operation.withoutResults()));
        resources.record(batch);
        Optional<ReservationId> reservation = ticket.handOver("a batch job of " + estimate.requests()
                + " request(s), reserved " + ticket.reserved().toDollars().toPlainString() + " USD at the batch price; billed when "
                + "it ends (BATCH_SETTLED)");
        jobs.add(new BatchJobs.Job(batch.id(), context.caller().tenant(), name, context.requestId(), reservation,
                context.endUser(), now.plus(settings.firstPoll()), 0));
    }

    private Estimate estimate(Command command, boolean embed, ModelPrice price, BatchReferences references,
                              Ticket ticket) {
        Map<String, Object> batch = JsonTree.object(command.body(), "batch").orElseThrow(() ->
                InvalidRequestException.forField("batch", "is required: {\"batch\":{\"inputConfig\":{...}}}"));
        Map<String, Object> input = JsonTree.object(batch, "inputConfig").orElseThrow(() ->
                InvalidRequestException.forField("batch.inputConfig", "is required"));
        Optional<String> file = JsonTree.string(input, "fileName").or(() -> JsonTree.string(input, "file_name"));
        Optional<Map<String, Object>> inlined = JsonTree.object(input, "requests");
        if (file.isPresent() == inlined.isPresent()) {
            throw InvalidRequestException.forField("batch.inputConfig", "must have exactly one of requests and "
                    + "fileName");
        }
        if (file.isPresent()) {
            TenantResource input0 = references.requireFile(file.get());
            long bytes = input0.sizeBytes().orElseThrow(() -> InvalidRequestException.forField(
                    "batch.inputConfig.fileName", "names a file whose size the gateway does not know yet"));
            long requests = Math.max(1, Math.ceilDiv(bytes, MIN_LINE_BYTES));
            long output = embed ? 0 : Math.multiplyExact(requests, settings.fileOutputTokensPerRequest());
            Usage bound = new Usage(bytes, output, 0, 0);
            return new Estimate(Math.addExact(bytes, output), price.batchCost(CALCULATOR.cost(price, bound)), 0,
                    Optional.empty());
        }
        List<Object> requests = JsonTree.array(inlined.get(), "requests").orElseThrow(() ->
                InvalidRequestException.forField("batch.inputConfig.requests.requests", "must be a list"));
        if (requests.isEmpty()) {
            throw InvalidRequestException.forField("batch.inputConfig.requests.requests", "must not be empty");
        }
        long tokens = 0;
        Money reservation = Money.ZERO;
        List<Object> forwarded = new ArrayList<>(requests);
        boolean rewritten = false;
        for (int i = 0; i < requests.size(); i++) {
            String path = "batch.inputConfig.requests.requests[" + i + "]";
            Map<String, Object> item = JsonTree.isObject(requests.get(i)) ? JsonTree.asObject(requests.get(i))
                    : Map.of();
            Map<String, Object> request = JsonTree.object(item, "request").orElseThrow(() ->
                    InvalidRequestException.forField(path + ".request", "is required"));
            references.checkRequest(request);
            if (embed) {
                long inputTokens = TokenEstimator.estimateEmbedding(new EmbeddingRequest(command.model(),
                        EmbeddingRequest.Method.EMBED_CONTENT, request, Optional.empty()));
                tokens = Math.addExact(tokens, inputTokens);
                reservation = reservation.plus(price.batchCost(CALCULATOR.cost(price,
                        new Usage(inputTokens, 0, 0, 0))));
            } else {
                JsonTree.string(request, "model").ifPresent(named -> {
                    if (!ModelId.isValid(named) || !ModelId.parse(named).equals(command.model())) {
                        throw InvalidRequestException.forField(path + ".request.model", "is " + named
                                + " but the batch runs models/" + command.model());
                    }
                });
                GenerationRequest generation = new GenerationRequest(command.model(), request);
                RequestLimits.checkGeneration(generation, policy);
                RequestLimits.Admitted admitted = RequestLimits.admitted(generation, policy, ticket.spendingPolicy());
                tokens = Math.addExact(tokens, admitted.quota());
                reservation = reservation.plus(price.batchCost(CALCULATOR.cost(price, admitted.reservation())));
                if (admitted.forwarded() != generation) {
                    // the tenant's policy caps the output of requests that set none: the cap goes upstream too
                    Map<String, Object> capped = new LinkedHashMap<>(item);
                    capped.put("request", admitted.forwarded().body());
                    forwarded.set(i, capped);
                    rewritten = true;
                }
            }
        }
        Optional<String> body = Optional.empty();
        if (rewritten) {
            Map<String, Object> requestsObject = new LinkedHashMap<>(inlined.get());
            requestsObject.put("requests", forwarded);
            Map<String, Object> inputConfig = new LinkedHashMap<>(input);
            inputConfig.put("requests", requestsObject);
            Map<String, Object> batchObject = new LinkedHashMap<>(batch);
            batchObject.put("inputConfig", inputConfig);
            Map<String, Object> whole = new LinkedHashMap<>(command.body());
            whole.put("batch", batchObject);
            body = Optional.of(JsonText.write(whole));
        }
        return new Estimate(tokens, reservation, requests.size(), body);
    }
}
