package dev.gemgate.domain.usage;

import java.time.Instant;
import java.util.List;

/**
 * Port: adds up every tenant's recorded request events (as {@link UsageQuery} counts them: generate, stream,
 * countTokens, models, embed) within {@code [start, end)}, for the operator's dashboard. Reads what is recorded.
 */
public interface FleetUsageQuery {
    FleetFigures figures(Instant start, Instant end);

    /** The {@code limit} tenants that spent most within {@code [start, end)}, most first (then by tenant id). */
    List<TenantSpend> topTenantsBySpend(Instant start, Instant end, int limit);
}
