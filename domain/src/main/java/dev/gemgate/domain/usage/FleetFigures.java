package dev.gemgate.domain.usage;

import java.time.Duration;
import java.util.Optional;

/**
 * The whole gateway's request events over a period: the sums of {@link UsageFigures} (every tenant), how many ended in
 * an error (any outcome but success and a cache hit: refusals, upstream failures, timeouts, cut streams), and the
 * median and 99th percentile of their latency (continuous percentiles; empty when there were no requests).
 */
public record FleetFigures(UsageFigures usage, long errors, Optional<Duration> latencyP50,
                           Optional<Duration> latencyP99) {
    public static final FleetFigures NONE = new FleetFigures(UsageFigures.NONE, 0, Optional.empty(), Optional.empty());

    public FleetFigures {
        if (usage == null || latencyP50 == null || latencyP99 == null) {
            throw new IllegalArgumentException("fleet figures are required (latencies may be empty)");
        }
        if (errors < 0 || errors > usage.requests()) {
            throw new IllegalArgumentException("errors are 0 to the number of requests, not " + errors);
        }
    }

    /** Errors over requests, 0 when there were none. */
    public double errorRate() {
        return usage.requests() == 0 ? 0 : (double) errors / usage.requests();
    }

    /** Requests answered from the response cache over requests, 0 when there were none. */
    public double cacheHitRate() {
        return usage.requests() == 0 ? 0 : (double) usage.cacheHits() / usage.requests();
    }
}
