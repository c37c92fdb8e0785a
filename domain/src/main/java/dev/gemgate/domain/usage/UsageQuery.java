package dev.gemgate.domain.usage;

/**
 * Port: adds up a tenant's recorded requests (the audit log's request events: generate, stream, countTokens, models,
 * embed; never admin actions) over a selection. Rows by day come in date order, the others by cost, most expensive
 * first (then by group). Reads what is recorded: events still queued in the audit writer are not yet counted.
 */
public interface UsageQuery {
    UsageReport aggregate(UsageSelection selection);
}
