package dev.gemgate.application.resource;

import dev.gemgate.domain.resource.CacheStorageMarks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The periodic settlement of context-cache storage, run by every replica: charges each cache that ended (deleted, or
 * expired at Google) for the stretch not charged yet, up to its end, and each live cache whose last charge is
 * {@code interval} or more ago, up to now (so budgets and usage see a long-lived cache's storage as it grows). Safe to
 * run on any number of replicas at once: each stretch is claimed by exactly one ({@link CacheStorageCharges}).
 */
public final class CacheStorageSweep {
    private static final System.Logger LOG = System.getLogger(CacheStorageSweep.class.getName());
    private static final int BATCH = 100;

    private final CacheStorageMarks marks;
    private final CacheStorageCharges charges;
    private final Clock clock;
    private final Duration interval;

    public CacheStorageSweep(CacheStorageMarks marks, CacheStorageCharges charges, Clock clock, Duration interval) {
        if (marks == null || charges == null || clock == null || interval == null || !interval.isPositive()) {
            throw new IllegalArgumentException("marks, charges, a clock and a positive interval are required");
        }
        this.marks = marks;
        this.charges = charges;
        this.clock = clock;
        this.interval = interval;
    }

    /** One round; answers how many stretches this replica charged. */
    public int run() {
        int charged = 0;
        List<CacheStorageMarks.Due> due;
        int rounds = 0;
        do {
            due = marks.due(clock.instant(), interval, BATCH);
            for (CacheStorageMarks.Due d : due) {
                try {
                    if (charges.chargeThrough(d.cache(), d.end()).isPresent()) {
                        charged++;
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "charging the storage of {0} failed: {1}", d.cache().name(),
                            e.getClass().getName());
                }
            }
            rounds++;
        } while (due.size() == BATCH && rounds < 100);
        return charged;
    }
}
