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
}
