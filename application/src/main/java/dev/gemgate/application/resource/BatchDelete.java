package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.upstream.CredentialChoice;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.util.Optional;

/**
 * {@code DELETE batches/{id}}: the caller's own job only (else the not-found answer, nothing sent upstream). A job not
 * settled yet is settled first, so that deleting it cannot dodge its bill: one that has not ended is cancelled, then
 * read, and settled for what ran ({@link BatchSettlement}); then it is deleted at the credential holding it and its
 * row marked deleted (kept for billing history). The settling calls are Gemgate's own (like the poller's); the delete
 * is the caller's one request against its request limits.
 */
public final class BatchDelete {
    public record Command(RequestContext context, String name) {
        public Command {
            if (context == null || name == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    private final UpstreamCalls upstream;
    private final Admission admission;
    private final BatchesPort batches;
    private final UpstreamKeyVault vault;
    private final TenantResources resources;
    private final BatchJobs jobs;
    private final BatchSettlement settlement;
    private final Clock clock;
    private final BatchSettings settings;

    public BatchDelete(UpstreamCalls upstream, Admission admission, BatchesPort batches, UpstreamKeyVault vault,
                       TenantResources resources, BatchJobs jobs, BatchSettlement settlement, Clock clock,
                       BatchSettings settings) {
        this.upstream = upstream;
        this.admission = admission;
        this.batches = batches;
        this.vault = vault;
        this.resources = resources;
        this.jobs = jobs;
        this.settlement = settlement;
        this.clock = clock;
        this.settings = settings;
    }

    public RateLimitStatus execute(Command command) {
        TenantResource batch = BatchLookup.owned(resources, command.context().caller().tenant(), command.name());
        Ticket ticket = admission.open(command.context(), AuditEventType.DELETE_BATCH, batch.model().orElseThrow(),
                Optional.empty(), Optional.empty());
        try {
            ticket.admitQuotaWithoutTokens();
            if (!jobs.settled(batch.id())) {
                settleBeforeDeleting(batch);
            }
            try {
                upstream.pinned(ticket, batch.credential(), (model, credential, timeout) -> {
                    batches.delete(batch.name(), credential, timeout);
                    return Boolean.TRUE;
                });
            } catch (UpstreamException e) {
                if (e.kind() != UpstreamException.Kind.NOT_FOUND) {
                    throw e;
                }
                resources.delete(batch.tenant(), batch.name(), clock.instant());
                throw ResourceRefusals.batchNotFound();
            }
            resources.delete(batch.tenant(), batch.name(), clock.instant());
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return ticket.rateLimits();
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }

    private void settleBeforeDeleting(TenantResource batch) {
        UpstreamCredential credential = switch (vault.pinned(batch.credential())) {
            case CredentialChoice.Use use -> use.credential();
            case CredentialChoice.None none -> throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0,
                    "the upstream cannot be reached for this resource: " + none.reason());
        };
        try {
            BatchOperation operation = batches.get(batch.name(), credential, settings.callTimeout());
            if (!operation.ended()) {
                batches.cancel(batch.name(), credential, settings.callTimeout());
                operation = batches.get(batch.name(), credential, settings.callTimeout());
            }
            settlement.settleIfEnded(batch, operation);
        } catch (UpstreamException e) {
            if (e.kind() != UpstreamException.Kind.NOT_FOUND) {
                throw e;
            }
            settlement.settleVanished(batch);
        }
    }
}
