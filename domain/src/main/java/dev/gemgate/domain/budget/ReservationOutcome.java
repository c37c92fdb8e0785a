package dev.gemgate.domain.budget;

import java.time.Instant;

/** The ledger's answer to a reservation. */
public sealed interface ReservationOutcome {
    record Reserved(ReservationId id) implements ReservationOutcome {
    }

    /** {@code budget} cannot afford the estimate; it resets at {@code resetsAt} (never, for lifetime budgets). */
    record Refused(Budget budget, Instant resetsAt) implements ReservationOutcome {
    }
}
