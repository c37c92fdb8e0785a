package dev.gemgate.domain.budget;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Port: which budgets are in force for a request. */
@FunctionalInterface
public interface BudgetSource {
    /**
     * The budgets that apply to a request of {@code tenant} through {@code apiKey} for {@code endUser}: a default
     * end-user budget already resolved to {@code endUser} ({@link Budget#forEndUser}), so that the first requests of a
     * new end user meet that budget like every later one.
     */
    List<Budget> applicableTo(TenantId tenant, Optional<ApiKeyId> apiKey, Optional<String> endUser);

    /** A fixed set of budgets: tenant budgets, key budgets and end-user budgets, default ones included. */
    static BudgetSource fixed(List<Budget> budgets) {
        List<Budget> all = List.copyOf(budgets);
        return (tenant, apiKey, endUser) -> {
            List<Budget> applicable = new ArrayList<>();
            for (Budget budget : all) {
                if (!budget.tenant().equals(tenant)) {
                    continue;
                }
                switch (budget.scope()) {
                    case TENANT -> applicable.add(budget);
                    case API_KEY -> {
                        if (budget.apiKey().equals(apiKey)) {
                            applicable.add(budget);
                        }
                    }
                    case END_USER -> {
                        if (endUser.isEmpty()) {
                            continue;
                        }
                        if (budget.endUser().equals(endUser)) {
                            applicable.add(budget);
                        } else if (budget.endUser().get().equals(Budget.EVERY_END_USER)
                                && all.stream().noneMatch(b -> b.tenant().equals(tenant) && b.period() == budget.period()
                                && b.endUser().equals(endUser))) {
                            applicable.add(budget.forEndUser(endUser.get()));
                        }
                    }
                }
            }
            applicable.sort(Comparator.comparing(Budget::scope));
            return List.copyOf(applicable);
        };
    }
}
