package dev.gemgate.domain.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * How long a budget's limit lasts before it starts again: a calendar day, an ISO week (from Monday) or a calendar month
 * in the budget's zone (UTC or the tenant's), or the budget's whole life.
 */
public enum BudgetPeriod {
    DAILY, WEEKLY, MONTHLY, LIFETIME;

    /** The start of the period {@code now} falls in, in {@code zone}; {@link Instant#EPOCH} for a lifetime budget. */
    public Instant start(Instant now, ZoneId zone) {
        if (this == LIFETIME) {
            return Instant.EPOCH;
        }
        LocalDate day = LocalDate.ofInstant(now, zone);
        LocalDate first = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case LIFETIME -> throw new AssertionError();
        };
        return first.atStartOfDay(zone).toInstant();
    }

    /** When the period {@code now} falls in ends (the next reset); {@link Instant#MAX} for a lifetime budget. */
    public Instant nextReset(Instant now, ZoneId zone) {
        if (this == LIFETIME) {
            return Instant.MAX;
        }
        LocalDate first = LocalDate.ofInstant(start(now, zone), zone);
        LocalDate next = switch (this) {
            case DAILY -> first.plusDays(1);
            case WEEKLY -> first.plusWeeks(1);
            case MONTHLY -> first.plusMonths(1);
            case LIFETIME -> throw new AssertionError();
        };
        return next.atStartOfDay(zone).toInstant();
    }
}
