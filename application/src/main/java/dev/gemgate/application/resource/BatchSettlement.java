package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.JsonText;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.CredentialChoice;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Settles a batch job that has ended, exactly once fleet-wide, from its results: the usage of every response that ran
 * (the inlined responses, or the lines of its results file), each priced at the model's price of the job's creation
 * and discounted to the batch price ({@link ModelPrice#batchCost}), summed. The reservation taken at creation is
 * settled with that (any replica may do it: {@link Admission#settleHandedOver}), the rest goes back to the budgets,
 * and one {@code BATCH_SETTLED} audit event records the usage and the cost (usage reports and the ledger read it).
 * A cancelled job is settled for the requests that ran before the cancel; a failed or expired one for what ran
 * (often nothing). An embeddings job has no token counts (Google reports none for embeddings): it is charged its
 * reservation pro rata to the requests that succeeded.
 *
 * <p><b>Exactly once.</b> Only the caller for which {@link BatchJobs#markSettled} answers true writes the settlement;
 * the results are read before that, so a caller that loses the race has only read. The results file of a file-input
 * job becomes the tenant's own file (recorded under the job's credential), so the tenant can download it.
 */
public final class BatchSettlement {
    private static final System.Logger LOG = System.getLogger(BatchSettlement.class.getName());
    private static final CostCalculator CALCULATOR = new CostCalculator();

    private final PricingCatalog pricing;
    private final Admission admission;
    private final BatchesPort batches;
    private final UpstreamKeyVault vault;
    private final TenantResources resources;
    private final BatchJobs jobs;
    private final IdGenerator ids;
    private final Clock clock;
    private final BatchSettings settings;

    public BatchSettlement(PricingCatalog pricing, Admission admission, BatchesPort batches, UpstreamKeyVault vault,
                           TenantResources resources, BatchJobs jobs, IdGenerator ids, Clock clock,
                           BatchSettings settings) {
        this.pricing = pricing;
        this.admission = admission;
        this.batches = batches;
        this.vault = vault;
        this.resources = resources;
        this.jobs = jobs;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    /** What the job's results came to. */
    private record Bill(Usage usage, Money cost, long ran) {
    }

    /**
     * Settles {@code batch} from {@code operation} if the job has ended and nobody settled it yet; true when this call
     * settled it.
     */
    public boolean settleIfEnded(TenantResource batch, BatchOperation operation) {
        if (!operation.ended()) {
            return false;
        }
        Optional<BatchJobs.Job> job = jobs.find(batch.id());
        if (job.isEmpty() || jobs.settled(batch.id())) {
            return false;
        }
        Bill bill = bill(batch, operation);
        return write(batch, job.get(), bill, outcome(operation.state()), operation.state() + ": " + bill.ran()
                + " of " + batch.requestCount().orElse(0) + " request(s) ran", Optional.of(operation));
    }

    /**
     * The job is gone upstream before Gemgate read its results (deleted elsewhere, or dropped): what ran cannot be
     * known, so it is charged its reservation (the upper bound it was admitted with). True when this call settled it.
     */
    public boolean settleVanished(TenantResource batch) {
        Optional<BatchJobs.Job> job = jobs.find(batch.id());
        if (job.isEmpty() || jobs.settled(batch.id())) {
            return false;
        }
        return write(batch, job.get(), new Bill(Usage.NONE, batch.reserved(), 0), Outcome.NOT_FOUND,
                "the job was gone upstream before its results were read: charged its reservation", Optional.empty());
    }

    private boolean write(TenantResource batch, BatchJobs.Job job, Bill bill, Outcome outcome, String detail,
                          Optional<BatchOperation> operation) {
        Instant now = clock.instant();
        if (!jobs.markSettled(batch.id(), now)) {
            return false;
        }
        // a bill above the reservation (a bound that did not hold) is charged the reservation; the audit keeps the bill
        Money charged = bill.cost().compareTo(batch.reserved()) > 0 ? batch.reserved() : bill.cost();
        admission.settleHandedOver(new Admission.HandedOver(job.requestId(), batch.tenant(), batch.apiKey(),
                        job.endUser(), batch.model().orElseThrow(), job.reservation()), AuditEventType.BATCH_SETTLED,
                bill.usage(), bill.cost(), outcome, detail);
        ResourceUpdate update = ResourceUpdate.none().withSettled(charged);
        if (operation.isPresent()) {
            update = update.withState(operation.get().state())
                    .withDescription(JsonText.write(operation.get().withoutResults()));
        }
        resources.update(batch.tenant(), batch.name(), update, now);
        operation.flatMap(BatchOperation::responsesFile).ifPresent(file -> recordResultsFile(batch, file, now));
        return true;
    }

    private void recordResultsFile(TenantResource batch, UpstreamResourceName file, Instant now) {
        try {
            resources.record(TenantResource.created(ids.newUuid(), file, batch.tenant(), batch.apiKey(),
                    batch.credential(), Optional.empty(), "ACTIVE", Optional.empty(), now));
        } catch (ConflictException e) {
            LOG.log(System.Logger.Level.WARNING, "the results file {0} of {1} is already recorded", file,
                    batch.name());
        }
    }

    private Bill bill(TenantResource batch, BatchOperation operation) {
        ModelPrice price = pricing.priceAt(batch.model().orElseThrow(), batch.createdAt()).orElse(null);
        long[] ran = {0};
        long[] embeddings = {0};
        Usage[] usage = {Usage.NONE};
        Money[] cost = {Money.ZERO};
        Consumer<Map<String, Object>> response = r -> {
            ran[0]++;
            if (r.containsKey("embedding") || r.containsKey("embeddings")) {
                embeddings[0]++; // an EmbedContentResponse: no token counts to price
                return;
            }
            Usage u = BatchOperation.usageOf(r);
            usage[0] = plus(usage[0], u);
            if (price != null) {
                cost[0] = cost[0].plus(price.batchCost(CALCULATOR.cost(price, u)));
            }
        };
        Optional<UpstreamResourceName> file = operation.responsesFile();
        if (file.isPresent()) {
            UpstreamCredential credential = switch (vault.pinned(batch.credential())) {
                case CredentialChoice.Use use -> use.credential();
                case CredentialChoice.None none -> throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0,
                        "the credential of " + batch.name() + " cannot be used: " + none.reason());
            };
            batches.readResults(file.get(), credential, settings.callTimeout(), line -> {
                if (line.get("response") instanceof Map<?, ?> r) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> body = (Map<String, Object>) r;
                    response.accept(body);
                }
            });
        } else {
            for (Map<String, Object> item : operation.inlinedResponses()) {
                if (item.get("response") instanceof Map<?, ?> r) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> body = (Map<String, Object>) r;
                    response.accept(body);
                }
            }
        }
        boolean embeddingJob = embeddings[0] > 0
                || String.valueOf(operation.metadata().get("@type")).endsWith("EmbedContentBatch");
        if (embeddingJob) {
            // Google reports no tokens for embeddings: the reservation (their estimate at the batch price), pro rata
            long requests = batch.requestCount().orElse(0);
            long succeeded = Math.min(requests, Math.max(embeddings[0], operation.successfulRequestCount().orElse(0)));
            Money embedded = requests <= 0 ? Money.ZERO : Money.ofMicros(Math.ceilDiv(Math.multiplyExact(
                    batch.reserved().micros(), succeeded), requests));
            return new Bill(usage[0], cost[0].plus(embedded), Math.max(ran[0], succeeded));
        }
        return new Bill(usage[0], cost[0], ran[0]);
    }

    private static Usage plus(Usage a, Usage b) {
        return new Usage(Math.addExact(a.promptTokens(), b.promptTokens()),
                Math.addExact(a.candidatesTokens(), b.candidatesTokens()),
                Math.addExact(a.thoughtsTokens(), b.thoughtsTokens()),
                Math.addExact(a.cachedTokens(), b.cachedTokens()),
                Math.addExact(a.audioPromptTokens(), b.audioPromptTokens()));
    }

    private static Outcome outcome(String state) {
        return switch (state) {
            case "BATCH_STATE_SUCCEEDED", "BATCH_STATE_CANCELLED" -> Outcome.SUCCESS;
            case "BATCH_STATE_EXPIRED" -> Outcome.TIMEOUT;
            default -> Outcome.UPSTREAM_ERROR;
        };
    }
}
