package dev.gemgate.application.resource;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.upstream.CredentialChoice;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Notices that batch jobs ended, so that each is settled without anyone asking for it: one round ({@link #pollDue})
 * leases the jobs due ({@link BatchJobs#claimDue}: each job to one replica at a time, fleet-wide), asks Google for each
 * (at the credential holding it), refreshes its row, settles it when it has ended ({@link BatchSettlement}, exactly
 * once), and otherwise schedules its next poll with backoff ({@link BatchSettings#gapAfter}: 30 s doubling to 10 min
 * by default). A failure (the upstream, the credential) is logged and the job polled again after the backoff. These
 * calls are Gemgate's own: no tenant quota, no audit event per poll (only the settlement is audited). The app runs a
 * round periodically on each replica.
 */
public final class BatchPoller {
    private static final System.Logger LOG = System.getLogger(BatchPoller.class.getName());

    private final BatchJobs jobs;
    private final TenantResources resources;
    private final BatchesPort batches;
    private final UpstreamKeyVault vault;
    private final BatchSettlement settlement;
    private final Clock clock;
    private final BatchSettings settings;
    private final String holder;

    /** @param holder this replica's name on the leases it takes */
    public BatchPoller(BatchJobs jobs, TenantResources resources, BatchesPort batches, UpstreamKeyVault vault,
                       BatchSettlement settlement, Clock clock, BatchSettings settings, String holder) {
        this.jobs = jobs;
        this.resources = resources;
        this.batches = batches;
        this.vault = vault;
        this.settlement = settlement;
        this.clock = clock;
        this.settings = settings;
        this.holder = holder;
    }

    /** One round: polls the jobs due now that this replica could lease; returns how many of them it settled. */
    public int pollDue() {
        Instant now = clock.instant();
        List<BatchJobs.Job> due = jobs.claimDue(holder, now, settings.pollLease(), settings.pollBatch());
        int settled = 0;
        for (BatchJobs.Job job : due) {
            try {
                if (poll(job)) {
                    settled++;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "polling {0} failed ({1}); polled again later", job.name(),
                        e.getClass().getSimpleName());
                reschedule(job);
            }
        }
        return settled;
    }

    private boolean poll(BatchJobs.Job job) {
        Optional<TenantResource> found = resources.find(job.tenant(), job.name());
        if (found.isEmpty()) {
            // deleted through Gemgate (which settles first) or gone: nothing left to poll
            jobs.markSettled(job.resourceId(), clock.instant());
            return false;
        }
        TenantResource batch = found.get();
        BatchOperation operation;
        try {
            operation = batches.get(batch.name(), switch (vault.pinned(batch.credential())) {
                case CredentialChoice.Use use -> use.credential();
                case CredentialChoice.None none -> throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0,
                        "the credential of the job cannot be used now: " + none.reason());
            }, settings.callTimeout());
        } catch (UpstreamException e) {
            if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
                boolean settled = settlement.settleVanished(batch);
                resources.delete(batch.tenant(), batch.name(), clock.instant());
                return settled;
            }
            throw e;
        }
        BatchGet.refresh(resources, batch, operation, clock);
        if (operation.ended()) {
            return settlement.settleIfEnded(batch, operation);
        }
        reschedule(job);
        return false;
    }

    private void reschedule(BatchJobs.Job job) {
        try {
            jobs.reschedule(job.resourceId(), holder, clock.instant().plus(settings.gapAfter(job.polls() + 1)));
        } catch (RuntimeException e) {
            // the lease runs out by itself and the job is polled again then
            LOG.log(System.Logger.Level.WARNING, "rescheduling {0} failed ({1})", job.name(),
                    e.getClass().getSimpleName());
        }
    }
}
