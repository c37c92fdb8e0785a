package dev.gemgate.app;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Keeps an in-memory snapshot of admin settings (rate-limit overrides, budgets, spending policies) in step with the
 * database: one reload at start-up, then one every period on a virtual thread of its own. A failed reload keeps the
 * last snapshot (requests never fail for it) and logs one warning per outage, and one line when reloads succeed again.
 * Before the first successful reload the snapshot's initial value (the configured defaults) serves.
 */
final class PeriodicReload {
    private static final Logger LOG = Logger.getLogger(PeriodicReload.class);

    private final String what;
    private final Runnable reload;
    private final IntSupplier inForce;
    private volatile boolean failing;
    private volatile ScheduledExecutorService timer;

    /**
     * @param what    what is reloaded, for the log ("rate-limit overrides")
     * @param reload  replaces the snapshot from the store, throwing on a failure
     * @param inForce how many settings the snapshot holds, for the log
     */
    PeriodicReload(String what, Runnable reload, IntSupplier inForce) {
        this.what = Objects.requireNonNull(what, "what");
        this.reload = Objects.requireNonNull(reload, "reload");
        this.inForce = Objects.requireNonNull(inForce, "inForce");
    }

    /** Reloads now, then every {@code period} (positive) on a virtual thread named {@code threadName}. */
    void start(Duration period, String threadName) {
        if (!period.isPositive()) {
            throw new IllegalArgumentException("a reload period must be positive: " + period);
        }
        reloadNow();
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name(threadName).factory());
        started.scheduleWithFixedDelay(this::reloadNow, period.toMillis(), Math.max(1, period.toMillis()),
                TimeUnit.MILLISECONDS);
        timer = started;
    }

    void stop() {
        ScheduledExecutorService started = timer;
        if (started != null) {
            started.shutdownNow();
        }
    }

    /** One reload; a failure is logged (once per outage), never thrown. */
    void reloadNow() {
        try {
            reload.run();
            if (failing) {
                failing = false;
                LOG.infof("%s reloaded again (%d in force)", what, inForce.getAsInt());
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf("reloading the %s failed (%s); the last ones loaded stay in force until a reload succeeds",
                        what, e.getClass().getSimpleName());
            }
        }
    }
}
