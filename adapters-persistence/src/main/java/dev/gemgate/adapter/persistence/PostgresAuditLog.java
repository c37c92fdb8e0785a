package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AdminDetails;
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
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link AuditLog} on the {@code audit_events} table: the audit schema (SQL, binding, reading) on top of a
 * {@link GroupCommitWriter}, which does the batching, retries, spooling and draining.
 *
 * <p>{@link #append} hands the event to the writer: one background virtual thread writes batches of up to
 * {@code gemgate.audit.batch-size} events in one transaction each. In {@code async} durability (the default)
 * {@code append} returns at once and a batch is written at the latest {@code gemgate.audit.max-delay} after its first
 * event; in {@code sync} durability {@code append} returns once its event is committed, by group commit: the writer
 * commits at once whatever queued while its previous commit ran, so N concurrent requests cost a few transactions,
 * not N.
 *
 * <p>When PostgreSQL cannot take a batch (anything but a data error of its rows), the events go to an append-only
 * spool under {@code gemgate.audit.spool-dir}, forced to disk once per batch, and are replayed when the database is
 * back (and at start-up, for events spooled before a crash or a shutdown). The insert is idempotent
 * ({@code ON CONFLICT (id) DO NOTHING}), so an event whose commit outcome was unknown and was spooled anyway arrives
 * once. A row the database refuses for its data (SQLState 22/23) is lost alone and counted ({@link #lostCount()}).
 *
 * <p>Crash loss window: in async mode, a {@code kill -9} loses what was queued and not yet committed or spooled (in
 * steady state the last {@code max-delay} of events plus the batch being written); in sync mode nothing that
 * {@code append} returned for. Events in the spool survive a crash.
 *
 * <p>Written with plain JDBC and a local transaction per batch rather than entities or JTA: the batch, its transaction
 * and its retries are the point, the writer thread never runs inside a caller's transaction, and a persistence context
 * would only add overhead to an append-only table.
 */
@ApplicationScoped
public class PostgresAuditLog implements AuditLog {
    /** One quick retry (a pooled connection the database closed) before a batch goes to the spool, which keeps it anyway. */
    private static final List<Duration> RETRY_BACKOFF = List.of(Duration.ofMillis(50));

    static final String INSERT = """
            INSERT INTO audit_events (id, occurred_at, type, request_id, tenant_id, api_key_id, actor, model,
                prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens, cost_micros, latency_micros,
                outcome, prompt_hash, detail, correlation_id, actor_name, source_address, target, before_state,
                after_state, end_user, saved_micros)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    /** {@link #INSERT}'s columns, in its order, as {@link #copy} writes them. */
    static final String COPY = """
            COPY audit_events (id, occurred_at, type, request_id, tenant_id, api_key_id, actor, model,
                prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens, cost_micros, latency_micros,
                outcome, prompt_hash, detail, correlation_id, actor_name, source_address, target, before_state,
                after_state, end_user, saved_micros) FROM STDIN""";
    /** Every column {@link #read} reads. */
    static final String COLUMNS = """
            id, occurred_at, type, request_id, tenant_id, api_key_id, actor, model, prompt_tokens,
                candidates_tokens, thoughts_tokens, cached_tokens, cost_micros, latency_micros, outcome, prompt_hash,
                detail, correlation_id, actor_name, source_address, target, before_state, after_state, end_user,
                saved_micros""";
    private static final String SELECT = "SELECT " + COLUMNS
            + " FROM audit_events WHERE occurred_at >= ? AND occurred_at < ?";

    /** Whether {@link #append} waits for its event's commit ({@code gemgate.audit.durability}). */
    public enum Durability { ASYNC, SYNC }

    /** Everything {@link PostgresAuditLog} is configured with (see {@link AuditLogConfig} for their meaning). */
    public record Settings(Durability durability, int queueCapacity, int batchSize, Duration maxDelay,
                           Duration appendTimeout, Duration drainTimeout, Path spoolDirectory,
                           Duration replayInterval) {
        public Settings {
            if (durability == null || spoolDirectory == null) {
                throw new IllegalArgumentException("gemgate.audit.durability and spool-dir are required");
            }
        }

        /** The defaults of {@link AuditLogConfig}, with the spool in {@code spoolDirectory}. */
        public static Settings defaults(Path spoolDirectory) {
            return new Settings(Durability.ASYNC, 10_000, 500, Duration.ofMillis(50), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), spoolDirectory, Duration.ofSeconds(1));
        }

        static Settings of(AuditLogConfig c) {
            return new Settings(c.durability(), c.queueCapacity(), c.batchSize(), c.maxDelay(), c.appendTimeout(),
                    c.drainTimeout(), c.spoolDir(), c.replayInterval());
        }

        public Settings withDurability(Durability value) {
            return new Settings(value, queueCapacity, batchSize, maxDelay, appendTimeout, drainTimeout, spoolDirectory,
                    replayInterval);
        }

        public Settings withQueueCapacity(int value) {
            return new Settings(durability, value, batchSize, maxDelay, appendTimeout, drainTimeout, spoolDirectory,
                    replayInterval);
        }

        public Settings withMaxDelay(Duration value) {
            return new Settings(durability, queueCapacity, batchSize, value, appendTimeout, drainTimeout, spoolDirectory,
                    replayInterval);
        }

        public Settings withReplayInterval(Duration value) {
            return new Settings(durability, queueCapacity, batchSize, maxDelay, appendTimeout, drainTimeout,
                    spoolDirectory, value);
        }
    }

    private final DataSource dataSource;
    private final Settings settings;
    private final GroupCommitWriter<AuditEvent> writer;

    @Inject
    PostgresAuditLog(DataSource dataSource, AuditLogConfig config, Instance<Clock> clock) {
        this(dataSource, Settings.of(config), clock.isResolvable() ? clock.get() : Clock.systemUTC());
    }

    /** {@code clock} only stamps events for the lag; start with {@link #start()} or the first append. */
    public PostgresAuditLog(DataSource dataSource, Settings settings, Clock clock) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.writer = new GroupCommitWriter<>(
                new GroupCommitWriter.Settings("audit", settings.queueCapacity(), settings.batchSize(),
                        settings.maxDelay(), settings.appendTimeout(), settings.drainTimeout(), RETRY_BACKOFF,
                        settings.replayInterval()),
                new GroupCommitWriter.BatchSink<>() {
                    @Override
                    public void write(List<AuditEvent> batch) throws SQLException {
                        insert(batch);
                    }

                    @Override
                    public void writeFresh(List<AuditEvent> batch) throws SQLException {
                        copy(batch);
                    }
                },
                () -> FileSpool.open(settings.spoolDirectory(), "audit", new AuditEventLineCodec(),
                        FileSpool.DEFAULT_SEGMENT_BYTES),
                clock);
    }

    /**
     * Opens the spool and starts the writer, which first replays events an earlier run spooled. At start-up (CDI), so
     * that they are replayed without waiting for traffic; constructing the class by hand, the first append does it.
     * Fails if the spool directory cannot be used (not writable, or in use by another instance).
     */
    public void start() {
        writer.start();
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    /**
     * Async: queues the event and returns at once (waits only while the queue is full, up to
     * {@code gemgate.audit.append-timeout}; then the event is counted as lost). Sync: returns once the event is
     * committed or spooled; throws {@link IllegalStateException} if that did not happen within the append timeout or
     * the event could not be recorded at all, so that no response claims an audit record that does not exist.
     */
    @Override
    public void append(AuditEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("audit event is required");
        }
        writer.append(event, settings.durability() == Durability.SYNC);
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
     * Returns once every event appended before this call is committed, spooled or counted as lost, and the spool is
     * replayed if the database takes it. Waits at most {@code gemgate.audit.drain-timeout}.
     */
    public void flush() {
        writer.flush();
    }

    /**
     * Drains the queue (into the database, or the spool), stops the writer and closes the spool. Called on Quarkus's
     * {@link ShutdownEvent}, which comes before the datasource closes; {@link PreDestroy} is only the fallback.
     * Idempotent. An append after it is written to the database at once (counted as lost if the database refuses it).
     */
    @PreDestroy
    public void close() {
        writer.close();
    }

    void onShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
        close();
    }

    public Durability durability() {
        return settings.durability();
    }

    /** Events written to the database since start (live, or replayed from the spool). */
    public long writtenCount() {
        return writer.writtenCount();
    }

    /** Events that could not be recorded, in the database nor in the spool, since start: non-zero means gaps. */
    public long lostCount() {
        return writer.lostCount();
    }

    /** Events waiting in the spool for the database (those of an earlier run included). */
    public long spooledCount() {
        return writer.spooledCount();
    }

    /** Events queued in memory, not yet committed or spooled (what an async-mode crash would lose). */
    public int queuedCount() {
        return writer.queuedCount();
    }

    /** Age of the oldest event not yet in the database (queued, being written, or spooled); zero when none. */
    public Duration lag() {
        return writer.lag();
    }

    /** Batches committed since start: one transaction each. */
    public long commitCount() {
        return writer.commitCount();
    }

    /** One local transaction for the batch; never inside a caller's transaction (only the writer's threads call it). */
    private void insert(List<AuditEvent> events) throws SQLException {
        JdbcBatch.write(dataSource, INSERT, events, PostgresAuditLog::bind);
    }

    /**
     * A batch of events just appended, none of which can be in the table yet: one {@code COPY}, its own transaction.
     * PostgreSQL takes an audit row at about half the CPU of the batched {@code INSERT ... ON CONFLICT DO NOTHING} (15
     * against 28-31 us of the server's CPU per row, issue 21), and the audit row is the database's whole work per
     * request. Retries and replays go through {@link #insert}, which ignores a row already there.
     */
    private void copy(List<AuditEvent> events) throws SQLException {
        CopyText rows = new CopyText(events.size() * 400);
        for (AuditEvent e : events) {
            rows.field(e.id())
                    .field(Timestamps.toDatabase(e.occurredAt()))
                    .field(e.type().name())
                    .field(e.requestId().value())
                    .field(e.tenant().map(TenantId::value))
                    .field(e.apiKey().map(ApiKeyId::value))
                    .field(e.actor())
                    .field(e.model().map(ModelId::value))
                    .field(e.usage().promptTokens())
                    .field(e.usage().candidatesTokens())
                    .field(e.usage().thoughtsTokens())
                    .field(e.usage().cachedTokens())
                    .field(e.cost().micros())
                    .field(latencyMicros(e.latency()))
                    .field(e.outcome().name())
                    .field(e.promptHash())
                    .field(e.detail())
                    .field(e.correlationId())
                    .field(e.admin().map(AdminDetails::actorName))
                    .field(e.admin().map(AdminDetails::sourceAddress))
                    .field(e.admin().map(AdminDetails::target))
                    .field(e.admin().flatMap(AdminDetails::before))
                    .field(e.admin().flatMap(AdminDetails::after))
                    .field(e.endUser())
                    .field(e.saved().micros())
                    .endRow();
        }
        JdbcBatch.copy(dataSource, COPY, rows);
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
        setString(s, 19, e.admin().map(AdminDetails::actorName));
        setString(s, 20, e.admin().map(AdminDetails::sourceAddress));
        setString(s, 21, e.admin().map(AdminDetails::target));
        setString(s, 22, e.admin().flatMap(AdminDetails::before));
        setString(s, 23, e.admin().flatMap(AdminDetails::after));
        setString(s, 24, e.endUser());
        s.setLong(25, e.saved().micros());
    }

    /** A negative latency (a clock stepping back) is stored as zero rather than making the event unwritable. */
    private static long latencyMicros(Duration latency) {
        if (latency.isNegative()) {
            return 0;
        }
        return Math.addExact(Math.multiplyExact(latency.getSeconds(), 1_000_000L), latency.getNano() / 1_000);
    }

    static AuditEvent read(ResultSet r) throws SQLException {
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
                r.getString("detail"),
                r.getString("actor_name") == null ? Optional.empty() : Optional.of(new AdminDetails(
                        r.getString("actor_name"), r.getString("source_address"), r.getString("target"),
                        Optional.ofNullable(r.getString("before_state")),
                        Optional.ofNullable(r.getString("after_state")))),
                Optional.ofNullable(r.getString("end_user")),
                Money.ofMicros(r.getLong("saved_micros")));
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
}
