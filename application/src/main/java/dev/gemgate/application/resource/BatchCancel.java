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
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;

import java.util.Optional;

/**
 * {@code POST batches/{id}:cancel}: the caller's own job only (else the not-found answer, nothing sent upstream),
 * cancelled at the credential holding it. The job is settled for what ran when Gemgate next sees it ended (a get, or
 * the poller). One request against the caller's request limits, no tokens.
 */
public final class BatchCancel {
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
    private final TenantResources resources;

    public BatchCancel(UpstreamCalls upstream, Admission admission, BatchesPort batches, TenantResources resources) {
        this.upstream = upstream;
        this.admission = admission;
        this.batches = batches;
        this.resources = resources;
    }

    public RateLimitStatus execute(Command command) {
        TenantResource batch = BatchLookup.owned(resources, command.context().caller().tenant(), command.name());
        Ticket ticket = admission.open(command.context(), AuditEventType.CANCEL_BATCH, batch.model().orElseThrow(),
                Optional.empty(), Optional.empty());
        try {
            ticket.admitQuotaWithoutTokens();
            try {
                upstream.pinned(ticket, batch.credential(), (model, credential, timeout) -> {
                    batches.cancel(batch.name(), credential, timeout);
                    return Boolean.TRUE;
                });
            } catch (UpstreamException e) {
                if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
                    throw ResourceRefusals.batchNotFound();
                }
                throw e;
            }
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return ticket.rateLimits();
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
