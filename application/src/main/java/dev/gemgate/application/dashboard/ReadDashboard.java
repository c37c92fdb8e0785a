package dev.gemgate.application.dashboard;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.upstream.ReadUpstreamHealth;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.usage.FleetFigures;
import dev.gemgate.domain.usage.FleetUsageQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The operator's dashboard: the whole gateway's requests, errors, latency percentiles, tokens, spend, response-cache
 * hits and money saved for today and for this month, both in UTC days (today is the current UTC day so far; this
 * month runs from the first of the current UTC month to now); the {@link #TOP_TENANTS} tenants that spent most this
 * month; the upstream pool's health as this replica sees it; and what the upstream is (an emulator or Google). A read:
 * not audited. Reads what the audit log has recorded: events still queued in its writer are not yet counted.
 *
 * <p>The figures scan the period's audit events (about 1 µs per event measured: a month of 330,000 events in
 * 0.3-0.45 s), so they are computed at most once per {@code maxAge} on this replica however many admins look, and
 * shared; the upstream health is read afresh each time (it is in memory).
 */
public final class ReadDashboard {
    public static final int TOP_TENANTS = 5;

    /** A period's figures: its first and last UTC day (both included) and what happened from its start to now. */
    public record Period(LocalDate from, LocalDate to, FleetFigures figures) {
    }

    /** One of the tenants that spent most: its name when it still exists (empty once it is gone from the store). */
    public record TopTenant(TenantId tenant, Optional<String> name, long requests, Money cost) {
    }

    /** {@code at}: the instant the periods end (when the figures were computed, at most {@code maxAge} ago). */
    public record Result(Instant at, Period today, Period month, List<TopTenant> topTenants,
                         ReadUpstreamHealth.Result upstream, GatewayInfo gateway) {
    }

    private final FleetUsageQuery usage;
    private final TenantRepository tenants;
    private final ReadUpstreamHealth upstreamHealth;
    private final GatewayInfo gateway;
    private final Clock clock;
    private final Duration maxAge;
    private Figures last;

    private record Figures(Instant at, Period today, Period month, List<TopTenant> topTenants) {
    }

    public ReadDashboard(FleetUsageQuery usage, TenantRepository tenants, ReadUpstreamHealth upstreamHealth,
                         GatewayInfo gateway, Clock clock, Duration maxAge) {
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("the figures' maximum age is zero or more");
        }
        this.usage = usage;
        this.tenants = tenants;
        this.upstreamHealth = upstreamHealth;
        this.gateway = gateway;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    public Result execute() {
        Figures figures = figures();
        return new Result(figures.at(), figures.today(), figures.month(), figures.topTenants(),
                upstreamHealth.execute(), gateway);
    }

    /** One computation at a time: admins arriving together wait for it rather than each scanning the month. */
    private synchronized Figures figures() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.at().plus(maxAge)) && !now.isBefore(last.at())) {
            return last;
        }
        last = compute(now);
        return last;
    }

    private Figures compute(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate firstOfMonth = today.withDayOfMonth(1);
        Instant end = now.plusNanos(1); // an event recorded at this very instant counts
        Period day = new Period(today, today, usage.figures(startOf(today), end));
        Period month = new Period(firstOfMonth, today, usage.figures(startOf(firstOfMonth), end));
        List<TopTenant> top = usage.topTenantsBySpend(startOf(firstOfMonth), end, TOP_TENANTS).stream()
                .map(s -> new TopTenant(s.tenant(), tenants.findById(s.tenant()).map(Tenant::displayName),
                        s.requests(), s.cost()))
                .toList();
        return new Figures(now, day, month, top);
    }

    private static Instant startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
