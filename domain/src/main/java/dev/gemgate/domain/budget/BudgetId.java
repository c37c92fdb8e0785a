package dev.gemgate.domain.budget;

import java.util.UUID;

/** The id of a budget an admin set (the admin API's {@code budgetId}). */
public record BudgetId(UUID value) {
    public BudgetId {
        if (value == null) {
            throw new IllegalArgumentException("budget id is required");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
