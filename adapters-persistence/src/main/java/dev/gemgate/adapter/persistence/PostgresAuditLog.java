package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AuditLog} on the {@code audit_events} table, with group commit.
 *
 * <p>{@link #append} only puts the event in a bounded in-memory queue and returns; one background virtual thread
 * takes up to {@code gemgate.audit.batch-size} events (default 500) and writes them as one JDBC batch in one
 * transaction, at the latest {@code gemgate.audit.max-delay} (default 50 ms) after the first of them arrived. The
 * request path therefore never waits for the database, and the database sees a few commits per second instead of
 * one per request.
 *
 * <p>Guarantees: a full queue makes {@code append} wait (up to {@code gemgate.audit.append-timeout}) rather than
 * drop; a batch that fails is retried, then written row by row so that one unwritable row cannot take the others
 * with it; every event that still could not be written is counted ({@link #lostCount()}) and logged as a count,
 * never with its content. A clean shutdown ({@link ShutdownEvent}, before the datasource closes) drains the queue.
 * A crash (kill -9, power loss) loses what was still queued: normally the last {@code max-delay} of events.
 *
 * <p>Written with plain JDBC rather than entities: the batch, its transaction and its retries are the point of this
 * class, and a persistence context would only add overhead to an append-only table.
 */
@ApplicationScoped
public class PostgresAuditLog implements AuditLog {
    private static final Logger LOG = Logger.getLogger(PostgresAuditLog.class);
    private static final Duration[] RETRY_BACKOFF = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2)};
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    static final String INSERT = """
            INSERT INTO audit_events (id, occurred_at, type, request_id, tenant_id, api_key_id, actor, model,
                prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens, cost_micros, latency_micros,
                outcome, prompt_hash, detail, correlation_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    private static final String SELECT = """
            SELECT id, occurred_at, type, request_id, tenant_id, api_key_id, actor, model, prompt_tokens,
                candidates_tokens, thoughts_tokens, cached_tokens, cost_micros, latency_micros, outcome, prompt_hash,
                detail, correlation_id
            FROM audit_events
            WHERE occurred_at >= ? AND occurred_at < ?""";

    /** What travels through the queue: an event, or a marker that completes once everything before it is written. */
    private sealed interface Entry permits Pending, Barrier {
    }

    private record Pending(AuditEvent event) implements Entry {
    }

    private record Barrier(CompletableFuture<Void> written, boolean stopWriter) implements Entry {
        Barrier(boolean stopWriter) {
            this(new CompletableFuture<>(), stopWriter);
        }
    }

    private final DataSource dataSource;
    private final int batchSize;
    private final Duration maxDelay;
    private final Duration appendTimeout;
    private final Duration drainTimeout;
    private final LinkedBlockingQueue<Entry> queue;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread writer;

    @Inject
    public PostgresAuditLog(DataSource dataSource,
                            @ConfigProperty(name = "gemgate.audit.queue-capacity", defaultValue = "10000") int queueCapacity,
                            @ConfigProperty(name = "gemgate.audit.batch-size", defaultValue = "500") int batchSize,
                            @ConfigProperty(name = "gemgate.audit.max-delay", defaultValue = "50ms") Duration maxDelay,
                            @ConfigProperty(name = "gemgate.audit.append-timeout", defaultValue = "5s") Duration appendTimeout,
                            @ConfigProperty(name = "gemgate.audit.drain-timeout", defaultValue = "30s") Duration drainTimeout) {
        if (queueCapacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("gemgate.audit.queue-capacity and batch-size must be positive");
        }
        if (maxDelay.isNegative() || appendTimeout.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("gemgate.audit durations cannot be negative");
        }
        this.dataSource = dataSource;
        this.batchSize = batchSize;
        this.maxDelay = maxDelay;
        this.appendTimeout = appendTimeout;
        this.drainTimeout = drainTimeout;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
    }

    /** Starts the writer thread (CDI does this; constructing the class by hand, the first append does). */
    @PostConstruct
    public synchronized void start() {
        if (writer == null && !closed) {
            writer = Thread.ofVirtual().name("gemgate-audit-writer").start(this::writeLoop);
        }
    }

    /**
     * Queues the event and returns at once; waits only while the queue is full, up to
     * {@code gemgate.audit.append-timeout}, after which the event is counted as lost and logged (without content).
     * After shutdown has begun the event is written synchronously instead.
     */
    @Override
    public void append(AuditEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("audit event is required");
        }
        if (writer == null) {
            start();
        }
        Pending entry = new Pending(event);
        boolean queued = queue.offer(entry);
        if (!queued) {
            try {
                queued = queue.offer(entry, appendTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!queued) {
            countLost(1, "the audit queue stayed full for " + appendTimeout.toMillis() + " ms");
            return;
        }
        if (closed) {
            // Shutdown began while we were queueing: the writer may already be gone, so write what is left here.
            writeQueuedNow();
        }
    }

    /** Newest first within [from, to), after writing everything appended so far. */
    @Override
    public List<AuditEvent> query(AuditQuery query) {
        flush();
        StringBuilder sql = new StringBuilder(SELECT);
        query.tenant().ifPresent(t -> sql.append(" AND tenant_id = ?"));
        query.type().ifPresent(t -> sql.append(" AND type = ?"));
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int i = 1;
            statement.setTimestamp(i++, Timestamp.from(query.from()));
            statement.setTimestamp(i++, Timestamp.from(query.to()));
            if (query.tenant().isPresent()) {
                statement.setObject(i++, query.tenant().get().value());
            }
            if (query.type().isPresent()) {
                statement.setString(i++, query.type().get().name());
            }
            statement.setInt(i, query.limit());
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(read(rows));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the audit log failed: " + e.getMessage(), e);
        }
    }

    /**
     * Returns once every event appended before this call is written (or counted as lost). Waits at most
     * {@code gemgate.audit.drain-timeout}.
     */
    public void flush() {
        if (closed) {
            writeQueuedNow();
            return;
        }
        if (writer == null) {
            start();
        }
        Barrier barrier = new Barrier(false);
        await(barrier, "flush");
    }

    /**
     * Drains the queue and stops the writer. Called on Quarkus's {@link ShutdownEvent}, which comes before the
     * datasource closes; {@link PreDestroy} is only the fallback. Idempotent.
     */
    @PreDestroy
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        Thread w = writer;
        if (w != null) {
            await(new Barrier(true), "shutdown");
            try {
                if (!w.join(drainTimeout)) {
                    LOG.errorf("audit writer did not stop within %d ms", drainTimeout.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeQueuedNow();
        LOG.infof("audit log closed: %d events written, %d lost since start", written.get(), lost.get());
    }

    void onShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
        close();
    }

    /** Events written since start (by this instance). */
    public long writtenCount() {
        return written.get();
    }

    /** Events that could not be written since start: a non-zero value means gaps in the audit trail. */
    public long lostCount() {
        return lost.get();
    }

    /** Events queued but not yet written. */
    public int queuedCount() {
        return (int) queue.stream().filter(Pending.class::isInstance).count();
    }

    private void await(Barrier barrier, String why) {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        try {
            if (!queue.offer(barrier, drainTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("audit " + why + ": queue stayed full for " + drainTimeout.toMillis() + " ms");
            }
            barrier.written().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("audit " + why + " interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("audit " + why + " did not complete within " + drainTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("audit " + why + " failed", e.getCause());
        }
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>(batchSize);
        boolean stop = false;
        while (!stop) {
            try {
                Entry first = queue.poll(IDLE_POLL.toNanos(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    stop = closed;
                    continue;
                }
                batch.add(first);
                collect(batch);
                stop = process(batch);
            } catch (InterruptedException e) {
                // Nobody should interrupt the writer; carry on so that queued events are not stranded.
                LOG.warn("audit writer interrupted; continuing");
            } catch (RuntimeException | Error e) {
                int pending = (int) batch.stream().filter(Pending.class::isInstance).count();
                countLost(pending, "the audit writer failed (" + e.getClass().getSimpleName() + ")");
                failBarriers(batch, e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Adds to {@code batch} until it is full, a barrier arrives, or {@code maxDelay} has passed since its first entry. */
    private void collect(List<Entry> batch) {
        long deadline = System.nanoTime() + maxDelay.toNanos();
        while (batch.size() < batchSize && !(batch.getLast() instanceof Barrier) && !closed) {
            int before = batch.size();
            queue.drainTo(batch, batchSize - batch.size());
            if (containsBarrier(batch, before) || batch.size() >= batchSize) {
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            Entry next;
            try {
                next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return; // write what we have
            }
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    private static boolean containsBarrier(List<Entry> batch, int from) {
        for (int i = from; i < batch.size(); i++) {
            if (batch.get(i) instanceof Barrier) {
                return true;
            }
        }
        return false;
    }

    /** Writes the events of {@code entries}, then releases its barriers; true if one of them stops the writer. */
    private boolean process(List<Entry> entries) {
        List<AuditEvent> events = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (entry instanceof Pending p) {
                events.add(p.event());
            }
        }
        if (!events.isEmpty()) {
            writeDurably(events);
        }
        boolean stop = false;
        for (Entry entry : entries) {
            if (entry instanceof Barrier b) {
                b.written().complete(null);
                stop |= b.stopWriter();
            }
        }
        return stop;
    }

    private void failBarriers(List<Entry> entries, Throwable failure) {
        for (Entry entry : entries) {
            if (entry instanceof Barrier b) {
                b.written().completeExceptionally(failure);
            }
        }
    }

    private void writeQueuedNow() {
        List<Entry> rest = new ArrayList<>();
        queue.drainTo(rest);
        while (!rest.isEmpty()) {
            for (int from = 0; from < rest.size(); from += batchSize) {
                process(rest.subList(from, Math.min(rest.size(), from + batchSize)));
            }
            rest.clear();
            queue.drainTo(rest);
        }
    }

    /** One transaction for the batch; retried; then row by row so that a bad row loses only itself. */
    private void writeDurably(List<AuditEvent> events) {
        RuntimeException failure = null;
        for (int attempt = 0; attempt <= RETRY_BACKOFF.length; attempt++) {
            try {
                insert(events);
                written.addAndGet(events.size());
                return;
            } catch (RuntimeException e) {
                failure = e;
                if (isDataError(e)) {
                    break;
                }
                if (attempt < RETRY_BACKOFF.length) {
                    LOG.warnf("audit batch of %d events failed (attempt %d), retrying: %s", events.size(),
                            attempt + 1, sqlStateOf(e));
                    sleep(RETRY_BACKOFF[attempt]);
                }
            }
        }
        if (events.size() > 1 && isDataError(failure)) {
            for (AuditEvent event : events) {
                try {
                    insert(List.of(event));
                    written.incrementAndGet();
                } catch (RuntimeException e) {
                    countLost(1, "rejected by the database (SQLState " + sqlStateOf(e) + ")");
                }
            }
            return;
        }
        countLost(events.size(), "the database did not accept the batch (SQLState " + sqlStateOf(failure) + ")");
    }

    private void insert(List<AuditEvent> events) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(INSERT)) {
                for (AuditEvent event : events) {
                    bind(statement, event);
                    statement.addBatch();
                }
                statement.executeBatch();
            } catch (SQLException e) {
                throw new AuditWriteException(e);
            }
        });
    }

    private static void bind(PreparedStatement s, AuditEvent e) throws SQLException {
        s.setObject(1, e.id());
        s.setTimestamp(2, Timestamp.from(Timestamps.toDatabase(e.occurredAt())));
        s.setString(3, e.type().name());
        s.setString(4, e.requestId().value());
        setUuid(s, 5, e.tenant().map(TenantId::value));
        setUuid(s, 6, e.apiKey().map(ApiKeyId::value));
        s.setString(7, e.actor());
        setString(s, 8, e.model().map(ModelId::value));
        s.setLong(9, e.usage().promptTokens());
        s.setLong(10, e.usage().candidatesTokens());
        s.setLong(11, e.usage().thoughtsTokens());
        s.setLong(12, e.usage().cachedTokens());
        s.setLong(13, e.cost().micros());
        s.setLong(14, latencyMicros(e.latency()));
        s.setString(15, e.outcome().name());
        setString(s, 16, e.promptHash());
        s.setString(17, e.detail());
        setString(s, 18, e.correlationId());
    }

    /** A negative latency (a clock stepping back) is stored as zero rather than making the event unwritable. */
    private static long latencyMicros(Duration latency) {
        if (latency.isNegative()) {
            return 0;
        }
        return Math.addExact(Math.multiplyExact(latency.getSeconds(), 1_000_000L), latency.getNano() / 1_000);
    }

    private static AuditEvent read(ResultSet r) throws SQLException {
        return new AuditEvent(
                r.getObject("id", UUID.class),
                r.getTimestamp("occurred_at").toInstant(),
                AuditEventType.valueOf(r.getString("type")),
                new RequestId(r.getString("request_id")),
                Optional.ofNullable(r.getString("correlation_id")),
                Optional.ofNullable(r.getObject("tenant_id", UUID.class)).map(TenantId::new),
                Optional.ofNullable(r.getObject("api_key_id", UUID.class)).map(ApiKeyId::new),
                r.getString("actor"),
                Optional.ofNullable(r.getString("model")).map(ModelId::new),
                new Usage(r.getLong("prompt_tokens"), r.getLong("candidates_tokens"), r.getLong("thoughts_tokens"),
                        r.getLong("cached_tokens")),
                Money.ofMicros(r.getLong("cost_micros")),
                Duration.of(r.getLong("latency_micros"), ChronoUnit.MICROS),
                Outcome.valueOf(r.getString("outcome")),
                Optional.ofNullable(r.getString("prompt_hash")),
                r.getString("detail"));
    }

    private static void setUuid(PreparedStatement s, int index, Optional<UUID> value) throws SQLException {
        if (value.isPresent()) {
            s.setObject(index, value.get());
        } else {
            s.setNull(index, Types.OTHER);
        }
    }

    private static void setString(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }

    private void countLost(int count, String why) {
        long total = lost.addAndGet(count);
        LOG.errorf("audit: %d event(s) not recorded: %s (%d lost since start)", count, why, total);
    }

    /** Integrity and data errors (SQLState classes 22 and 23) fail again on retry; anything else may pass later. */
    private static boolean isDataError(Throwable failure) {
        String state = sqlStateOf(failure);
        return state.startsWith("22") || state.startsWith("23");
    }

    private static String sqlStateOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
                    if (e.getSQLState() != null) {
                        return e.getSQLState();
                    }
                }
            }
        }
        return "unknown";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Carries an {@link SQLException} out of the transaction lambda. */
    private static final class AuditWriteException extends RuntimeException {
        AuditWriteException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
