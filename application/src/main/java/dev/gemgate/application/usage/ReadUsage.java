package dev.gemgate.application.usage;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.usage.UsageGrouping;
import dev.gemgate.domain.usage.UsageQuery;
import dev.gemgate.domain.usage.UsageReport;
import dev.gemgate.domain.usage.UsageSelection;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's usage and cost over a range of days, grouped by day, model, API key or end user: for the tenant itself
 * (with its own key) and for an admin. The parameters come as the caller wrote them and are checked here, once for
 * both surfaces, each refusal naming its parameter: {@code from}/{@code to} are ISO dates ({@code 2026-11-01}), both
 * included, by default the first and last day of the current month in the zone; at most
 * {@link UsageSelection#MAX_DAYS} days; {@code groupBy} is {@code day} (the default), {@code model}, {@code key} or
 * {@code endUser}; {@code zone} is an IANA zone ({@code Europe/Paris}) or an offset ({@code +02:00}), UTC by default,
 * and says where days begin. By day, every day of the range has its row, zeros on a day without requests
 * ({@link UsageReport#withEveryDay()}). A read: not audited.
 */
public final class ReadUsage {
    /** The group names on the wire, in the order the documentation lists them. */
    public static final Map<String, UsageGrouping> GROUPINGS = Map.of("day", UsageGrouping.DAY,
            "model", UsageGrouping.MODEL, "key", UsageGrouping.API_KEY, "endUser", UsageGrouping.END_USER);

    /** Parameters as sent; a null or blank one takes its default. */
    public record Query(TenantId tenant, String from, String to, String groupBy, String zone) {
        public Query {
            if (tenant == null) {
                throw new IllegalArgumentException("a tenant is required");
            }
        }
    }

    private final UsageQuery usage;
    private final TenantRepository tenants;
    private final Clock clock;

    public ReadUsage(UsageQuery usage, TenantRepository tenants, Clock clock) {
        this.usage = usage;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** The report; {@code NotFoundException} for an unknown or deleted tenant, {@code InvalidRequestException} for bad parameters. */
    public UsageReport execute(Query query) {
        UsageSelection selection = select(query);
        tenants.findById(query.tenant()).filter(t -> !t.isDeleted())
                .orElseThrow(() -> new NotFoundException("tenant " + query.tenant() + " does not exist"));
        return usage.aggregate(selection).withEveryDay();
    }

    private UsageSelection select(Query query) {
        ZoneId zone = zone(query.zone());
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        LocalDate from = date("from", query.from()).orElse(today.withDayOfMonth(1));
        LocalDate to = date("to", query.to()).orElse(today.withDayOfMonth(today.lengthOfMonth()));
        if (from.isAfter(to)) {
            throw InvalidRequestException.forField("from", "must not be after to (" + from + " > " + to + ")");
        }
        long days = UsageSelection.days(from, to);
        if (days > UsageSelection.MAX_DAYS) {
            throw InvalidRequestException.forField(InvalidRequestException.Reason.LIMIT_EXCEEDED, "to",
                    "the range covers " + days + " days; at most " + UsageSelection.MAX_DAYS + " are allowed");
        }
        return new UsageSelection(query.tenant(), from, to, zone, grouping(query.groupBy()),
                UsageSelection.MAX_GROUPS);
    }

    private static ZoneId zone(String text) {
        if (isAbsent(text)) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException e) {
            throw InvalidRequestException.forField("zone", "'" + cut(text) + "' is not a time zone (use an IANA name "
                    + "such as Europe/Paris, UTC, or an offset such as +02:00)");
        }
    }

    private static Optional<LocalDate> date(String field, String text) {
        if (isAbsent(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text.strip()));
        } catch (DateTimeParseException e) {
            throw InvalidRequestException.forField(field, "'" + cut(text) + "' is not a date (use YYYY-MM-DD)");
        }
    }

    private static UsageGrouping grouping(String text) {
        if (isAbsent(text)) {
            return UsageGrouping.DAY;
        }
        UsageGrouping grouping = GROUPINGS.get(text.strip());
        if (grouping == null) {
            throw InvalidRequestException.forField("groupBy", "'" + cut(text) + "' is not one of "
                    + Arrays.asList("day", "model", "key", "endUser"));
        }
        return grouping;
    }

    private static boolean isAbsent(String text) {
        return text == null || text.isBlank();
    }

    /** Echoes at most 64 characters of what the caller sent. */
    private static String cut(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
