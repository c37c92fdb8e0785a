package dev.gemgate.domain.fakes;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.common.Money;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One lifetime budget per fake (or none): reservations hold the estimate, settlement replaces it with the actual
 * cost, release drops it. Synchronized: exact under concurrency within one process.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {
    private final Optional<Budget> budget;
    private final Map<ReservationId, Money> held = new HashMap<>();
    private Money settled = Money.ZERO;

    public InMemoryBudgetLedger(Optional<Budget> budget) {
        this.budget = budget;
    }

    public static InMemoryBudgetLedger noBudgets() {
        return new InMemoryBudgetLedger(Optional.empty());
    }

    @Override
    public synchronized ReservationOutcome reserve(ReservationRequest request, Instant now) {
        if (budget.isPresent()) {
            Money committed = held.values().stream().reduce(settled, Money::plus);
            if (committed.plus(request.estimate()).compareTo(budget.get().limit()) > 0) {
                return new ReservationOutcome.Refused(budget.get(), Instant.MAX);
            }
        }
        ReservationId id = new ReservationId(UUID.randomUUID());
        held.put(id, request.estimate());
        return new ReservationOutcome.Reserved(id);
    }

    @Override
    public synchronized void settle(ReservationId reservation, Money actualCost, Instant now) {
        if (held.remove(reservation) == null) {
            throw new IllegalStateException("no such open reservation: " + reservation);
        }
        settled = settled.plus(actualCost);
    }

    @Override
    public synchronized void release(ReservationId reservation, Instant now) {
        held.remove(reservation);
    }

    public synchronized Money settled() {
        return settled;
    }

    public synchronized int openReservations() {
        return held.size();
    }
}
