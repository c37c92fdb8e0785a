package dev.gemgate.domain.quota;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The concurrency permits an admitted request holds (one per concurrency limit that applied), until the request
 * finishes: {@link QuotaLimiter#finish} returns them, exactly once however often it is called.
 */
public final class HeldPermits {
    /** No permit held (no concurrency limit applied, or a limiter without them). */
    public static final HeldPermits NONE = new HeldPermits(List.of(), now -> { });

    /**
     * One permit's pool: the limit's name ({@code ConcurrentRequestsPerTenant}, ...) and its pool key, which together
     * name the lane a request refused by that limit waits in; a returned permit wakes that lane's head.
     */
    public record Pool(String limit, String key) {
    }

    private final List<Pool> pools;
    private final int count;
    private final Consumer<Instant> giveBack;
    private final AtomicBoolean returned = new AtomicBoolean();

    HeldPermits(List<Pool> pools, Consumer<Instant> giveBack) {
        if (pools == null || giveBack == null) {
            throw new IllegalArgumentException("the pools and a give-back are required");
        }
        this.pools = List.copyOf(pools);
        this.count = pools.size();
        this.giveBack = giveBack;
    }

    /** The pools the permits were taken from (one permit each). */
    public List<Pool> pools() {
        return pools;
    }

    /** How many permits are held (0 once returned). */
    public int count() {
        return returned.get() ? 0 : count;
    }

    /** Returns the permits; true the first time, false (and nothing happens) after that. */
    boolean giveBack(Instant now) {
        if (count == 0 || !returned.compareAndSet(false, true)) {
            return false;
        }
        giveBack.accept(now);
        return true;
    }

    @Override
    public String toString() {
        return "HeldPermits[" + count() + "]";
    }
}
