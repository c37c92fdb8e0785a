package dev.gemgate.domain.quota;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The concurrency permits an admitted request holds (one per concurrency limit that applied), until the request
 * finishes: {@link QuotaLimiter#finish} returns them, exactly once however often it is called.
 */
public final class HeldPermits {
    /** No permit held (no concurrency limit applied, or a limiter without them). */
    public static final HeldPermits NONE = new HeldPermits(0, now -> { });

    private final int count;
    private final Consumer<Instant> giveBack;
    private final AtomicBoolean returned = new AtomicBoolean();

    HeldPermits(int count, Consumer<Instant> giveBack) {
        if (count < 0 || giveBack == null) {
            throw new IllegalArgumentException("a permit count of at least 0 and a give-back are required");
        }
        this.count = count;
        this.giveBack = giveBack;
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
