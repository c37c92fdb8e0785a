package dev.gemgate.application.budget;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.budget.EndUserName;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * What an admin asks a budget to be (the admin API's body, already typed): whose spending it limits ({@code scope},
 * with the API key of an API_KEY budget and the end user of an END_USER one, {@link Budget#EVERY_END_USER} for each
 * end user of the tenant), over which period in which zone, up to which limit, with which alert thresholds.
 */
public record BudgetSpec(BudgetScope scope, Optional<ApiKeyId> apiKey, Optional<String> endUser, BudgetPeriod period,
                         ZoneId zone, Money limit, List<Integer> alertPercents) {
    public static final String SCOPE = "scope";
    public static final String API_KEY_ID = "apiKeyId";
    public static final String END_USER = "endUser";
    public static final String ALERT_PERCENTS = "alertPercents";
    public static final String LIMIT_USD = "limitUsd";

    public BudgetSpec {
        if (scope == null || apiKey == null || endUser == null || period == null || zone == null || limit == null
                || alertPercents == null) {
            throw new InvalidRequestException("scope, period, zone, limitUsd and alertPercents are required");
        }
        String problem = problemWithKey(scope, apiKey.isPresent());
        if (problem != null) {
            throw InvalidRequestException.forField(API_KEY_ID, problem);
        }
        problem = problemWithEndUser(scope, endUser);
        if (problem != null) {
            throw InvalidRequestException.forField(END_USER, problem);
        }
        if (limit.isZero()) {
            throw InvalidRequestException.forField(LIMIT_USD, "must be above 0");
        }
        alertPercents = List.copyOf(alertPercents);
    }

    /** Why a budget of {@code scope} cannot have (or lack) an API key, or null if it is right. */
    public static String problemWithKey(BudgetScope scope, boolean hasKey) {
        if (scope == BudgetScope.API_KEY && !hasKey) {
            return "is required for an API_KEY budget";
        }
        if (scope != BudgetScope.API_KEY && hasKey) {
            return "is only for an API_KEY budget";
        }
        return null;
    }

    /** Why a budget of {@code scope} cannot have (or lack) this end user, or null if it is right. */
    public static String problemWithEndUser(BudgetScope scope, Optional<String> endUser) {
        if (scope == BudgetScope.END_USER && endUser.isEmpty()) {
            return "is required for an END_USER budget: an end user's name or \"" + Budget.EVERY_END_USER
                    + "\" for each end user of the tenant";
        }
        if (scope != BudgetScope.END_USER && endUser.isPresent()) {
            return "is only for an END_USER budget";
        }
        if (endUser.isPresent() && !endUser.get().equals(Budget.EVERY_END_USER)) {
            try {
                if (!EndUserName.parse(endUser.get()).equals(endUser)) {
                    return "must not be blank or begin or end with white space";
                }
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /** The budget of {@code tenant} this asks for; a rule it breaks is a 400 naming the field. */
    Budget toBudget(TenantId tenant) {
        return AdminLookups.valid(ALERT_PERCENTS,
                () -> new Budget(tenant, apiKey, endUser, period, zone, limit, alertPercents));
    }
}
