package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Optional;

/** A hard spending limit for a tenant, or for one end user of a tenant, over a period. */
public record Budget(TenantId tenant, Optional<String> endUser, BudgetPeriod period, Money limit) {
    public Budget {
        if (tenant == null || endUser == null || period == null || limit == null) {
            throw new IllegalArgumentException("budget fields are required");
        }
        if (limit.isZero()) {
            throw new IllegalArgumentException("a budget limit must be positive");
        }
    }

    public String name() {
        return period.name().toLowerCase() + (endUser.isPresent() ? " budget of end user " + endUser.get()
                : " tenant budget");
    }
}
