package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;

import java.time.Instant;

/**
 * Port: reserves an estimated cost atomically against every budget that applies, settles it with the actual cost,
 * releases it on failure. Idempotent by request id; reservations of a crashed instance expire.
 */
public interface BudgetLedger {
    ReservationOutcome reserve(ReservationRequest request, Instant now);

    void settle(ReservationId reservation, Money actualCost, Instant now);

    void release(ReservationId reservation, Instant now);

    /**
     * Settles a reservation that outlived the request that took it (a batch job's, settled when the job ends, possibly
     * days later, by whichever replica sees it end, possibly after a restart): like {@link #settle}, without relying
     * on this replica still holding the reservation in memory. Charged once fleet-wide (a second settlement, or the
     * expiry sweep before it, charges nothing more); what it does not charge goes back to the budgets.
     */
    default void settleDetached(ReservationId reservation, Money actualCost, Instant now) {
        settle(reservation, actualCost, now);
    }
}
