package dev.gemgate.app.passthrough;

import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.common.Money;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * The budget seam before budgets exist: no budget applies, so every reservation is granted. The cost of each call is
 * still computed and recorded in the audit log and metrics.
 */
@ApplicationScoped
public class NoBudgetLedger implements BudgetLedger {
    @Override
    public ReservationOutcome reserve(ReservationRequest request, Instant now) {
        return new ReservationOutcome.Reserved(new ReservationId(new UUID(0, 0)));
    }

    @Override
    public void settle(ReservationId reservation, Money actualCost, Instant now) {
        // no budget to charge
    }

    @Override
    public void release(ReservationId reservation, Instant now) {
        // nothing was held
    }
}
