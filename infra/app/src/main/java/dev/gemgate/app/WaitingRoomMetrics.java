package dev.gemgate.app;

import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.waiting.WaitingRoom;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The waiting room on the management interface: {@code gemgate_quota_waiting{lane}} (requests waiting now) and
 * {@code gemgate_quota_wait_seconds{lane,outcome}} (how long requests waited, {@code admitted} or {@code refused}; a
 * request refused without waiting counts with 0). The {@code lane} label is the lane's kind, the name of a limit such
 * as {@code RequestsPerMinutePerTenant}, never a tenant or key (the wait has fixed buckets from 0.1 s to 30 s): every rate-limit kind's series exists from start-up, and
 * any other kind is a name written in the code (e.g. the upstream's), so the scrape stays bounded.
 */
@Singleton
public class WaitingRoomMetrics implements WaitingRoom.Observer {
    public static final String ADMITTED = "admitted";
    public static final String REFUSED = "refused";

    /** A few fixed histogram buckets (not Micrometer's ~70 percentile buckets): 9 lanes x 2 outcomes stay small. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private record Meters(AtomicInteger depth, Timer admitted, Timer refused) {
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Meters> byKind = new ConcurrentHashMap<>();

    public WaitingRoomMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RateLimit.Scope scope : RateLimit.Scope.values()) {
            for (RateLimit.Kind kind : RateLimit.Kind.values()) {
                meters(new RateLimit(kind, scope, new Bucket("any", kind.shape(), 1)).name());
            }
        }
    }

    @Override
    public void depth(String laneKind, int waiters) {
        meters(laneKind).depth().set(waiters);
    }

    @Override
    public void waited(String laneKind, Duration waited, boolean admitted) {
        Meters m = meters(laneKind);
        (admitted ? m.admitted() : m.refused()).record(waited);
    }

    private Meters meters(String kind) {
        return byKind.computeIfAbsent(kind, k -> {
            AtomicInteger depth = new AtomicInteger();
            Gauge.builder("gemgate.quota.waiting", depth, AtomicInteger::get)
                    .description("Requests waiting for room under a rate limit").tag("lane", k).register(registry);
            return new Meters(depth, timer(k, ADMITTED), timer(k, REFUSED));
        });
    }

    private Timer timer(String kind, String outcome) {
        return Timer.builder("gemgate.quota.wait").description("Time requests waited for room under a rate limit")
                .tag("lane", kind).tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry);
    }
}
