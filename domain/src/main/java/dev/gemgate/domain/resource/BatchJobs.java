package dev.gemgate.domain.resource;

import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: the batch jobs Gemgate still has to settle, shared by every replica: when each is next polled, which replica
 * polls it now (a lease), and whether it has been settled. Settlement happens exactly once fleet-wide: only the one
 * caller for which {@link #markSettled} returns true settles a job.
 */
public interface BatchJobs {
    /**
     * A job to settle: the {@link TenantResource} it belongs to ({@code resourceId}), its tenant and name, the request
     * that created it (its audit event's id and its budget reservation's), the reservation, the end user it was
     * created for, when it is next polled and how often it was polled.
     */
    record Job(UUID resourceId, TenantId tenant, UpstreamResourceName name, RequestId requestId,
               Optional<ReservationId> reservation, Optional<String> endUser, Instant nextPollAt, int polls) {
        public Job {
            if (resourceId == null || tenant == null || name == null || requestId == null || reservation == null
                    || endUser == null || nextPollAt == null || polls < 0) {
                throw new IllegalArgumentException("every field of a batch job is required");
            }
        }
    }

    /** Adds a job just created (first poll at {@code job.nextPollAt()}). */
    void add(Job job);

    /** The job of that resource, settled or not. */
    Optional<Job> find(UUID resourceId);

    /**
     * Leases up to {@code limit} unsettled jobs due by {@code now} that no live lease holds to {@code holder} until
     * {@code now + lease}, in one atomic step: two replicas never lease the same job at once.
     */
    List<Job> claimDue(String holder, Instant now, Duration lease, int limit);

    /** The job polled by {@code holder} is next due at {@code nextPollAt}; its lease ends. */
    void reschedule(UUID resourceId, String holder, Instant nextPollAt);

    /**
     * Marks the job settled at {@code now}; true for exactly one caller fleet-wide (a job already settled: false). The
     * caller that gets true writes the settlement.
     */
    boolean markSettled(UUID resourceId, Instant now);

    /** True when the job was settled. */
    boolean settled(UUID resourceId);
}
