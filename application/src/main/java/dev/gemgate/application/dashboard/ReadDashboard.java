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
 */
public final class ReadDashboard {
    public static final int TOP_TENANTS = 5;

    /** A period's figures: its first and last UTC day (both included) and what happened from its start to now. */
    public record Period(LocalDate from, LocalDate to, FleetFigures figures) {
    }

    /** One of the tenants that spent most: its name when it still exists (empty once it is gone from the store). */
    public record TopTenant(TenantId tenant, Optional<String> name, long requests, Money cost) {
    }

    /** {@code at}: the instant the periods end (now). */
    public record Result(Instant at, Period today, Period month, List<TopTenant> topTenants,
                         ReadUpstreamHealth.Result upstream, GatewayInfo gateway) {
    }

    private final FleetUsageQuery usage;
    private final TenantRepository tenants;
    private final ReadUpstreamHealth upstreamHealth;
    private final GatewayInfo gateway;
    private final Clock clock;

    public ReadDashboard(FleetUsageQuery usage, TenantRepository tenants, ReadUpstreamHealth upstreamHealth,
                         GatewayInfo gateway, Clock clock) {
        this.usage = usage;
        this.tenants = tenants;
        this.upstreamHealth = upstreamHealth;
        this.gateway = gateway;
        this.clock = clock;
    }

    public Result execute() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate firstOfMonth = today.withDayOfMonth(1);
        Instant end = now.plusNanos(1); // an event recorded at this very instant counts
        Period day = new Period(today, today, usage.figures(startOf(today), end));
        Period month = new Period(firstOfMonth, today, usage.figures(startOf(firstOfMonth), end));
        List<TopTenant> top = usage.topTenantsBySpend(startOf(firstOfMonth), end, TOP_TENANTS).stream()
                .map(s -> new TopTenant(s.tenant(), tenants.findById(s.tenant()).map(Tenant::displayName),
                        s.requests(), s.cost()))
                .toList();
        return new Result(now, day, month, top, upstreamHealth.execute(), gateway);
    }

    private static Instant startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
