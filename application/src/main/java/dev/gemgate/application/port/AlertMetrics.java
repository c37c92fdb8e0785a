package dev.gemgate.application.port;

import dev.gemgate.domain.budget.BudgetScope;

/** Port: a meter of budget thresholds crossed, by the budget's scope and the threshold (bounded labels, no tenant). */
public interface AlertMetrics {
    void budgetThresholdCrossed(BudgetScope scope, int percent);
}
