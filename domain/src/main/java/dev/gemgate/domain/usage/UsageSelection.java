package dev.gemgate.domain.usage;

import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Which usage to add up: one tenant's requests from the start of {@code from} to the end of {@code to} (whole days in
 * {@code zone}, both included), grouped by {@code groupBy}, at most {@code maxGroups} groups. The range is capped at
 * {@link #MAX_DAYS} days so that one report never scans more than a year of a tenant's audit events.
 */
public record UsageSelection(TenantId tenant, LocalDate from, LocalDate to, ZoneId zone, UsageGrouping groupBy,
                             int maxGroups) {
    /** A leap year. */
    public static final int MAX_DAYS = 366;
    public static final int MAX_GROUPS = 1000;

    public UsageSelection {
        if (tenant == null || from == null || to == null || zone == null || groupBy == null) {
            throw new IllegalArgumentException("usage selection fields are required");
        }
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
        }
        if (days(from, to) > MAX_DAYS) {
            throw new IllegalArgumentException("a usage range covers at most " + MAX_DAYS + " days, this one "
                    + days(from, to));
        }
        if (maxGroups < 1 || maxGroups > MAX_GROUPS) {
            throw new IllegalArgumentException("a usage report has 1 to " + MAX_GROUPS + " groups");
        }
    }

    /** Days from {@code from} to {@code to}, both included. */
    public static long days(LocalDate from, LocalDate to) {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    /** The first instant of the range: the start of {@code from} in the zone. */
    public Instant start() {
        return from.atStartOfDay(zone).toInstant();
    }

    /** The first instant after the range: the start of the day after {@code to} in the zone. */
    public Instant end() {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /**
     * The start of each day of the range in the zone, in order, then {@link #end()}: the bounds of the day buckets.
     * By the zone's own rules, so a day is 23 or 25 hours long across a daylight-saving change.
     */
    public List<Instant> dayBounds() {
        List<Instant> bounds = new ArrayList<>((int) days(from, to) + 1);
        for (LocalDate day = from; !day.isAfter(to.plusDays(1)); day = day.plusDays(1)) {
            bounds.add(day.atStartOfDay(zone).toInstant());
        }
        return bounds;
    }
}
