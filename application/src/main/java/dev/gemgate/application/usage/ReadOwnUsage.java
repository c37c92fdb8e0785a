package dev.gemgate.application.usage;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.usage.UsageReport;

/**
 * A tenant reading its own usage and cost with one of its API keys: one request against the caller's request limits
 * ({@link Admission#admitRead}: each report is an aggregation over the tenant's request records, so a tenant cannot
 * run them faster than its limits allow), then {@link ReadUsage} for the caller's own tenant, never another's.
 */
public final class ReadOwnUsage {
    /** The parameters of {@link ReadUsage.Query}, for the caller's own tenant. */
    public record Query(Caller caller, String from, String to, String groupBy, String zone) {
        public Query {
            if (caller == null) {
                throw new IllegalArgumentException("a caller is required");
            }
        }
    }

    /** The report, and where the caller stands on its rate limits (for the response's headers). */
    public record Result(UsageReport report, RateLimitStatus rateLimits) {
    }

    private final ReadUsage readUsage;
    private final Admission admission;

    public ReadOwnUsage(ReadUsage readUsage, Admission admission) {
        this.readUsage = readUsage;
        this.admission = admission;
    }

    public Result execute(Query query) {
        RateLimitStatus rateLimits = admission.admitRead(query.caller());
        UsageReport report = readUsage.execute(new ReadUsage.Query(query.caller().tenant(), query.from(), query.to(),
                query.groupBy(), query.zone()));
        return new Result(report, rateLimits);
    }
}
