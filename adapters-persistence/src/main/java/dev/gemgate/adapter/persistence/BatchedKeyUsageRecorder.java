package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyUsageRecorder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link KeyUsageRecorder} without a database write per request: {@link #used} keeps the latest time per key in a map
 * (one entry per key however busy it is, so memory is bounded by the number of keys), and every
 * {@code gemgate.auth.key-usage-flush-interval} (default 5 s) one JDBC batch writes them all, in one transaction:
 * {@code UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)}, so that
 * replicas writing the same key never move its time backwards. Also flushed on shutdown (before the datasource
 * closes). When the database cannot take a flush, the times go back into the map for the next one (newest wins) and
 * one WARN is logged per outage; a crash loses at most one interval of "last used" times, never anything else.
 *
 * <p>Why not {@link GroupCommitWriter}: it writes every item it is given, once per request here, and its spool makes
 * each durable; "last used" wants the opposite: coalesce a key's thousands of uses into one row update, and lose an
 * interval rather than spend a disk write on it.
 */
@ApplicationScoped
public class BatchedKeyUsageRecorder implements KeyUsageRecorder {
    private static final Logger LOG = Logger.getLogger(BatchedKeyUsageRecorder.class);
    static final String UPDATE = "UPDATE api_keys SET last_used_at = ? WHERE id = ? "
            + "AND (last_used_at IS NULL OR last_used_at < ?)";

    private final DataSource dataSource;
    private final Duration interval;
    private final ConcurrentHashMap<UUID, Instant> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final Object flushLock = new Object();
    private volatile ScheduledExecutorService scheduler;

    @Inject
    public BatchedKeyUsageRecorder(DataSource dataSource,
            @ConfigProperty(name = "gemgate.auth.key-usage-flush-interval", defaultValue = "5s") Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("gemgate.auth.key-usage-flush-interval must be positive");
        }
        this.dataSource = dataSource;
        this.interval = interval;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    /** Starts the periodic flush (on a virtual thread). Idempotent. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("gemgate-key-usage-flush").factory());
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void used(ApiKeyId key, Instant at) {
        pending.merge(key.value(), at, BatchedKeyUsageRecorder::later);
    }

    /** Keys whose use is not yet written. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Writes every pending time now, in one transaction. Returns the number of keys written; throws
     * {@link SQLException} (after putting the times back) if the database refused.
     */
    public int flush() throws SQLException {
        synchronized (flushLock) {
            List<Map.Entry<UUID, Instant>> batch = new ArrayList<>(pending.size());
            for (UUID key : pending.keySet()) {
                Instant at = pending.remove(key);
                if (at != null) {
                    batch.add(Map.entry(key, at));
                }
            }
            if (batch.isEmpty()) {
                return 0;
            }
            try {
                write(batch);
            } catch (SQLException | RuntimeException e) {
                batch.forEach(entry -> pending.merge(entry.getKey(), entry.getValue(), BatchedKeyUsageRecorder::later));
                throw e;
            }
            return batch.size();
        }
    }

    private void flushQuietly() {
        try {
            flush();
            if (failing.compareAndSet(true, false)) {
                LOG.info("key last-used times are written again");
            }
        } catch (SQLException | RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                LOG.warnf("writing key last-used times failed (%s); %d key(s) kept for the next attempt",
                        e.getClass().getSimpleName(), pending.size());
            }
        }
    }

    private void write(List<Map.Entry<UUID, Instant>> batch) throws SQLException {
        JdbcBatch.write(dataSource, UPDATE, batch, (statement, entry) -> {
            Timestamp at = Timestamp.from(Timestamps.toDatabase(entry.getValue()));
            statement.setTimestamp(1, at);
            statement.setObject(2, entry.getKey());
            statement.setTimestamp(3, at);
        });
    }

    /** Stops the periodic flush and writes what is pending (once; a failure is logged, the times are lost). */
    @PreDestroy
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        try {
            flush();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("key last-used times of %d key(s) were not written at shutdown (%s)", pending.size(),
                    e.getClass().getSimpleName());
        }
    }

    void onShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
        close();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
