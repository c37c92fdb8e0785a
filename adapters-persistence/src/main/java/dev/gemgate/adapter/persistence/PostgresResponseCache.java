package dev.gemgate.adapter.persistence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.TenantId;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@link ResponseCache}: a bounded in-memory first level (Caffeine, weighed by each answer's JSON size, each entry
 * expiring at its own TTL) in front of the {@code response_cache} table (V21), which every replica shares.
 *
 * <ul>
 *   <li><b>get</b>: the first level, else one read of the table (an entry another replica stored, or this one before
 *   its first level evicted it), which then goes into the first level. Never an expired entry.</li>
 *   <li><b>put</b>: an answer whose JSON is above {@code maxEntryBytes} is not cached; otherwise it goes into the first
 *   level at once and to the table <em>behind</em> the request: the {@link GroupCommitWriter} (no spool) writes batches
 *   of upserts on its own virtual thread, gzip-compressing bodies above {@code compressAboveBytes}. So a store adds no
 *   database round trip to the request, and a hit on this replica never waits for the table. A full queue or a
 *   database that cannot take the write loses the entry from the table only (counted; it is a cache).</li>
 *   <li><b>purge</b>: deletes expired rows, in chunks, on a schedule the application sets.</li>
 * </ul>
 * A database failure on a read is a miss (logged), never a failed request: the cache is an optimisation.
 */
public final class PostgresResponseCache implements ResponseCache, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PostgresResponseCache.class);
    /** With a shared buffer pool: Jackson's default pool is per thread, and each request has its own virtual thread. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()).build());
    private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {
    };
    /** What an entry weighs beyond its JSON: the parsed tree is larger than its text; a fixed overhead bounds it. */
    private static final int ENTRY_OVERHEAD_BYTES = 256;
    private static final int PURGE_CHUNK = 10_000;

    private static final String SELECT = "SELECT served_model, prompt_tokens, candidates_tokens, thoughts_tokens, "
            + "cached_tokens, audio_prompt_tokens, body, compressed, expires_at FROM response_cache "
            + "WHERE tenant_id = ? AND fingerprint = ? AND expires_at > ?";
    private static final String UPSERT = """
            INSERT INTO response_cache (tenant_id, fingerprint, served_model, prompt_tokens, candidates_tokens,
                thoughts_tokens, cached_tokens, audio_prompt_tokens, body, compressed, body_bytes, stored_at,
                expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET served_model = excluded.served_model,
                prompt_tokens = excluded.prompt_tokens, candidates_tokens = excluded.candidates_tokens,
                thoughts_tokens = excluded.thoughts_tokens, cached_tokens = excluded.cached_tokens,
                audio_prompt_tokens = excluded.audio_prompt_tokens, body = excluded.body,
                compressed = excluded.compressed, body_bytes = excluded.body_bytes, stored_at = excluded.stored_at,
                expires_at = excluded.expires_at""";
    private static final String PURGE = "DELETE FROM response_cache WHERE ctid IN (SELECT ctid FROM response_cache "
            + "WHERE expires_at <= ? LIMIT " + PURGE_CHUNK + ")";

    /**
     * @param l1MaxBytes         the first level's bound, in bytes of answer JSON (plus a small overhead per entry)
     * @param maxEntryBytes      answers whose JSON is larger are not cached
     * @param compressAboveBytes answers whose JSON is larger are stored gzip-compressed in the table
     * @param writeQueue         stores waiting for the table before further ones are dropped (from the table only)
     */
    public record Settings(long l1MaxBytes, long maxEntryBytes, long compressAboveBytes, int writeQueue) {
        public Settings {
            if (l1MaxBytes < 0 || maxEntryBytes < 1 || maxEntryBytes > Integer.MAX_VALUE || compressAboveBytes < 0
                    || writeQueue < 1) {
                throw new IllegalArgumentException("cache sizes must be positive (the maximum entry below 2 GiB)");
            }
        }
    }

    private record Entry(GenerationResponse response, Instant expiresAt, int weight) {
    }

    /** One store on its way to the table. */
    private record Row(CacheKey key, GenerationResponse response, byte[] json, Instant storedAt, Instant expiresAt) {
    }

    private final DataSource dataSource;
    private final DatabaseGuard guard;
    private final Clock clock;
    private final Settings settings;
    private final Cache<CacheKey, Entry> firstLevel;
    private final GroupCommitWriter<Row> writer;

    public PostgresResponseCache(DataSource dataSource, DatabaseGuard guard, Clock clock, Settings settings) {
        this.dataSource = dataSource;
        this.guard = guard;
        this.clock = clock;
        this.settings = settings;
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        this.firstLevel = Caffeine.newBuilder().ticker(ticker).maximumWeight(settings.l1MaxBytes())
                .weigher((CacheKey key, Entry entry) -> entry.weight())
                .expireAfter(new Expiry<CacheKey, Entry>() {
                    @Override
                    public long expireAfterCreate(CacheKey key, Entry entry, long currentTime) {
                        return untilExpiry(entry);
                    }

                    @Override
                    public long expireAfterUpdate(CacheKey key, Entry entry, long currentTime, long currentDuration) {
                        return untilExpiry(entry);
                    }

                    @Override
                    public long expireAfterRead(CacheKey key, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        this.writer = new GroupCommitWriter<>(new GroupCommitWriter.Settings("response-cache", settings.writeQueue(),
                100, Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(10), List.of(Duration.ofMillis(50)),
                Duration.ofSeconds(5)), this::write, null, clock);
    }

    private long untilExpiry(Entry entry) {
        return Math.max(0, Duration.between(clock.instant(), entry.expiresAt()).toNanos());
    }

    @Override
    public Optional<GenerationResponse> get(CacheKey key, Instant now) {
        Entry entry = firstLevel.getIfPresent(key);
        if (entry != null) {
            if (now.isBefore(entry.expiresAt())) {
                return Optional.of(entry.response());
            }
            firstLevel.invalidate(key);
            return Optional.empty();
        }
        try {
            Optional<Entry> stored = guard.call(() -> read(key, now));
            stored.ifPresent(e -> firstLevel.put(key, e));
            return stored.map(Entry::response);
        } catch (RuntimeException e) {
            LOG.warnf("response cache: the table could not be read (%s); served as a miss", e.getClass().getName());
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, GenerationResponse response, Duration ttl, Instant now) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        byte[] json;
        try {
            // the upstream's own text when it is at hand (the same tree, as Google wrote it), else the tree written
            json = response.json().isPresent() ? response.json().get().getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(response.body());
        } catch (IOException e) {
            LOG.warnf("response cache: an answer could not be written as JSON (%s); not cached", e.getClass().getName());
            return;
        }
        if (json.length > settings.maxEntryBytes()) {
            return;
        }
        Instant expiresAt = now.plus(ttl);
        firstLevel.put(key, new Entry(response, expiresAt, json.length + ENTRY_OVERHEAD_BYTES));
        writer.append(new Row(key, response, json, now, expiresAt), false);
    }

    /**
     * The batch with one row per key, the last stored, in the order of those last stores. The driver sends a batch as
     * multi-row INSERTs ({@code reWriteBatchedInserts}), and one {@code ON CONFLICT DO UPDATE} statement may not touch
     * a row twice: two stores of one key in one batch would fail the whole batch.
     */
    private static List<Row> latestPerKey(List<Row> batch) {
        if (batch.size() < 2) {
            return batch;
        }
        Map<CacheKey, Row> latest = new LinkedHashMap<>();
        for (Row row : batch) {
            latest.remove(row.key());
            latest.put(row.key(), row);
        }
        return latest.size() == batch.size() ? batch : List.copyOf(latest.values());
    }

    /** Deletes the rows expired at {@code now}, chunk by chunk; returns how many. */
    public long purge(Instant now) {
        return guard.call(() -> {
            long total = 0;
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(PURGE)) {
                statement.setTimestamp(1, Timestamp.from(now));
                int deleted;
                do {
                    deleted = statement.executeUpdate();
                    total += deleted;
                } while (deleted == PURGE_CHUNK);
            } catch (SQLException e) {
                throw new IllegalStateException("purging the response cache failed", e);
            }
            return total;
        });
    }

    /** Returns once every store handed to the table so far is written (or lost): for tests and shutdown. */
    public void flush() {
        writer.flush();
    }

    /** Empties the first level (tests: a read must then come from the table). */
    public void clearFirstLevel() {
        firstLevel.invalidateAll();
    }

    /** Entries and bytes in the first level (approximate; for metrics). */
    public long firstLevelEntries() {
        return firstLevel.estimatedSize();
    }

    /** Stores the table could not take (a full queue, a database that refused them). */
    public long lostWrites() {
        return writer.lostCount();
    }

    @Override
    public void close() {
        writer.close();
    }

    private Optional<Entry> read(CacheKey key, Instant now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(SELECT)) {
            statement.setObject(1, key.tenant().value());
            statement.setString(2, key.fingerprint());
            statement.setTimestamp(3, Timestamp.from(now));
            try (ResultSet r = statement.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                byte[] stored = r.getBytes("body");
                byte[] json = r.getBoolean("compressed") ? gunzip(stored) : stored;
                Usage usage = new Usage(r.getLong("prompt_tokens"), r.getLong("candidates_tokens"),
                        r.getLong("thoughts_tokens"), r.getLong("cached_tokens"), r.getLong("audio_prompt_tokens"));
                GenerationResponse response = new GenerationResponse(new ModelId(r.getString("served_model")),
                        JSON.readValue(json, TREE), usage, Optional.of(new String(json, StandardCharsets.UTF_8)));
                return Optional.of(new Entry(response, r.getTimestamp("expires_at").toInstant(),
                        json.length + ENTRY_OVERHEAD_BYTES));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the response cache failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored answer could not be read", e);
        }
    }

    private void write(List<Row> batch) throws SQLException {
        JdbcBatch.write(dataSource, UPSERT, latestPerKey(batch), (s, row) -> {
            boolean compress = row.json().length > settings.compressAboveBytes();
            Usage u = row.response().usage();
            TenantId tenant = row.key().tenant();
            s.setObject(1, tenant.value());
            s.setString(2, row.key().fingerprint());
            s.setString(3, row.response().servedModel().value());
            s.setLong(4, u.promptTokens());
            s.setLong(5, u.candidatesTokens());
            s.setLong(6, u.thoughtsTokens());
            s.setLong(7, u.cachedTokens());
            s.setLong(8, u.audioPromptTokens());
            s.setBytes(9, compress ? gzip(row.json()) : row.json());
            s.setBoolean(10, compress);
            s.setInt(11, row.json().length);
            s.setTimestamp(12, Timestamp.from(Timestamps.toDatabase(row.storedAt())));
            s.setTimestamp(13, Timestamp.from(Timestamps.toDatabase(row.expiresAt())));
        });
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }
}
