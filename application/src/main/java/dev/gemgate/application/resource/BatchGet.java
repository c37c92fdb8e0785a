package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.JsonText;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;

import java.time.Clock;
import java.util.Optional;

/**
 * {@code GET batches/{id}}: the caller's own job only (any other name gets the not-found answer before any upstream
 * call), asked of the credential holding it; the stored row is refreshed (state, request count, description) and a
 * job that has ended is settled if nobody settled it yet ({@link BatchSettlement}). One request against the caller's
 * request limits, no tokens. A job Google no longer knows (404) is marked deleted, settled at its reservation if it
 * was not, and answered as missing.
 */
public final class BatchGet {
    private static final System.Logger LOG = System.getLogger(BatchGet.class.getName());
    public record Query(RequestContext context, String name) {
        public Query {
            if (context == null || name == null) {
                throw new IllegalArgumentException("query fields are required");
            }
        }
    }

    public record Result(BatchOperation operation, RateLimitStatus rateLimits) {
    }

    private final UpstreamCalls upstream;
    private final Admission admission;
    private final BatchesPort batches;
    private final TenantResources resources;
    private final BatchSettlement settlement;
    private final Clock clock;

    public BatchGet(UpstreamCalls upstream, Admission admission, BatchesPort batches, TenantResources resources,
                    BatchSettlement settlement, Clock clock) {
        this.upstream = upstream;
        this.admission = admission;
        this.batches = batches;
        this.resources = resources;
        this.settlement = settlement;
        this.clock = clock;
    }

    public Result execute(Query query) {
        TenantResource batch = BatchLookup.owned(resources, query.context().caller().tenant(), query.name());
        Ticket ticket = admission.open(query.context(), AuditEventType.GET_BATCH, batch.model().orElseThrow(),
                Optional.empty(), Optional.empty());
        try {
            ticket.admitQuotaWithoutTokens();
            BatchOperation operation;
            try {
                operation = upstream.pinned(ticket, batch.credential(), (model, credential, timeout) ->
                        batches.get(batch.name(), credential, timeout)).value();
            } catch (UpstreamException e) {
                if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
                    settlement.settleVanished(batch);
                    resources.delete(batch.tenant(), batch.name(), clock.instant());
                    throw ResourceRefusals.batchNotFound();
                }
                throw e;
            }
            refresh(resources, batch, operation, clock);
            try {
                settlement.settleIfEnded(batch, operation);
            } catch (RuntimeException e) {
                // the caller still gets its job; the poller settles it (nothing was marked settled before the failure
                // of reading its results, and the ledger charges a reservation once whoever settles it)
                LOG.log(System.Logger.Level.WARNING, "settling {0} failed ({1}); the poller tries again",
                        batch.name(), e.getClass().getSimpleName());
            }
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(operation, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }

    /** The stored row as Google now describes the job: its state, request count and description. */
    static void refresh(TenantResources resources, TenantResource batch, BatchOperation operation, Clock clock) {
        ResourceUpdate update = ResourceUpdate.none().withState(operation.state())
                .withDescription(JsonText.write(operation.withoutResults()));
        if (operation.requestCount().isPresent() && operation.requestCount().getAsLong() >= 0) {
            update = update.withRequestCount(operation.requestCount().getAsLong());
        }
        resources.update(batch.tenant(), batch.name(), update, clock.instant());
    }
}
