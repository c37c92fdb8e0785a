package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * A hard spending limit over a period for a tenant, for one API key of a tenant, or for one end user of a tenant (at
 * most one of {@code apiKey} and {@code endUser}). {@code endUser} {@link #EVERY_END_USER} is the tenant's default
 * end-user budget: it applies to each end user separately ({@link #forEndUser}). Periods reset at the boundaries of
 * {@code zone}. {@code alertPercents} are the soft thresholds (1 to 100, ascending), reported once each when crossed.
 */
public record Budget(TenantId tenant, Optional<ApiKeyId> apiKey, Optional<String> endUser, BudgetPeriod period,
                     ZoneId zone, Money limit, List<Integer> alertPercents) {
    /** The end user of a default end-user budget: every end user of the tenant, each with a budget of its own. */
    public static final String EVERY_END_USER = "*";

    public Budget {
        if (tenant == null || apiKey == null || endUser == null || period == null || zone == null || limit == null
                || alertPercents == null) {
            throw new IllegalArgumentException("budget fields are required");
        }
        if (apiKey.isPresent() && endUser.isPresent()) {
            throw new IllegalArgumentException("a budget is a tenant's, an API key's or an end user's, not several");
        }
        if (limit.isZero()) {
            throw new IllegalArgumentException("a budget limit must be positive");
        }
        alertPercents = List.copyOf(alertPercents);
        zone = zone.normalized(); // "UTC" and "Z" are one zone, so one account
        int previous = 0;
        for (int percent : alertPercents) {
            if (percent <= previous || percent > 100) {
                throw new IllegalArgumentException("alert thresholds are ascending percentages from 1 to 100: "
                        + alertPercents);
            }
            previous = percent;
        }
    }

    /** A tenant's or an end user's budget in UTC without alerts (the shape before issue 15). */
    public Budget(TenantId tenant, Optional<String> endUser, BudgetPeriod period, Money limit) {
        this(tenant, Optional.empty(), endUser, period, ZoneOffset.UTC, limit, List.of());
    }

    public BudgetScope scope() {
        return apiKey.isPresent() ? BudgetScope.API_KEY : endUser.isPresent() ? BudgetScope.END_USER
                : BudgetScope.TENANT;
    }

    /** This default end-user budget as the budget of {@code user}. */
    public Budget forEndUser(String user) {
        if (!endUser.equals(Optional.of(EVERY_END_USER))) {
            throw new IllegalStateException("not a default end-user budget: " + name());
        }
        return new Budget(tenant, apiKey, Optional.of(user), period, zone, limit, alertPercents);
    }

    /**
     * The key of this budget's account for the period {@code now} falls in: a new period is a new account, so a reset
     * needs no write at all. Shaped {@code budget:<scope>:<tenant>[:<key or end user>]:<period>:<zone>:<start>}.
     */
    public String accountKey(Instant now) {
        String who = switch (scope()) {
            case TENANT -> tenant.toString();
            case API_KEY -> tenant + ":" + apiKey.get();
            case END_USER -> tenant + ":" + endUser.get();
        };
        return "budget:" + scope().name().toLowerCase() + ":" + who + ":" + period.name().toLowerCase() + ":"
                + zone.getId() + ":" + period.start(now, zone);
    }

    public String name() {
        String period = this.period.name().toLowerCase();
        return switch (scope()) {
            case TENANT -> period + " tenant budget";
            case API_KEY -> period + " budget of API key " + apiKey.get();
            case END_USER -> period + " budget of end user " + endUser.get();
        };
    }
}
