package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresAuditLogTest {
    @Inject
    PostgresAuditLog audit;

    @Inject
    DataSource dataSource;

    /** Each test works in its own hour of a far-off year, so tests cannot see each other's events. */
    private static Instant anHourOfOurOwn() {
        return Instant.parse("2040-01-01T00:00:00Z").plus(Duration.ofHours(ThreadLocalRandom.current().nextInt(1_000_000)));
    }

    @Test
    void an_appended_event_reads_back_whole_after_flush() {
        Instant t0 = anHourOfOurOwn();
        AuditEvent event = new AuditEvent(UUID.randomUUID(), t0.plusNanos(123_456_000), AuditEventType.GENERATE_CONTENT,
                new RequestId("req-" + UUID.randomUUID()), Optional.of("caller-correlation-1"),
                Optional.of(new TenantId(UUID.randomUUID())),
                Optional.of(new ApiKeyId(UUID.randomUUID())), "key:abc", Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(1200, 300, 50, 200), Money.ofMicros(4_321), Duration.ofNanos(1_234_567_000),
                Outcome.SUCCESS, Optional.of("9f".repeat(32)), "ok");

        audit.append(event);
        audit.flush();

        assertThat(audit.query(new AuditQuery(event.tenant(), Optional.empty(), t0, t0.plusSeconds(3600), 10)))
                .containsExactly(event);
    }

    @Test
    void the_end_user_of_a_request_reads_back() throws Exception {
        Instant t0 = anHourOfOurOwn();
        TenantId tenant = new TenantId(UUID.randomUUID());
        AuditEvent named = new AuditEvent(UUID.randomUUID(), t0, AuditEventType.GENERATE_CONTENT,
                new RequestId("req-" + UUID.randomUUID()), Optional.empty(), Optional.of(tenant),
                Optional.of(new ApiKeyId(UUID.randomUUID())), "key:abc", Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(10, 5, 0, 0), Money.ofMicros(7), Duration.ofMillis(3), Outcome.SUCCESS, Optional.empty(),
                "", Optional.empty(), Optional.of("user-" + "x".repeat(123)));

        audit.append(named);
        audit.flush();

        assertThat(audit.query(new AuditQuery(Optional.of(tenant), Optional.empty(), t0, t0.plusSeconds(1), 10)))
                .containsExactly(named);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT end_user FROM audit_events WHERE id = ?")) {
            s.setObject(1, named.id());
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("user-" + "x".repeat(123));
            }
        }
    }

    @Test
    void an_admin_action_reads_back_with_its_actor_target_and_states() {
        Instant t0 = anHourOfOurOwn();
        TenantId tenant = new TenantId(UUID.randomUUID());
        String big = "{\"metadata\":{\"k\":\"" + "v".repeat(30_000) + "\"}}";
        AuditEvent event = new AuditEvent(UUID.randomUUID(), t0, AuditEventType.TENANT_UPDATED,
                new RequestId("req-" + UUID.randomUUID()), Optional.empty(), Optional.of(tenant), Optional.empty(),
                "sub-alice", Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS,
                Optional.empty(), "tenant acme updated",
                Optional.of(new AdminDetails("Alice Admin", "2001:db8::1", "tenant:" + tenant,
                        Optional.of("{\"displayName\":\"acme\"}"), Optional.of(big))));
        AuditEvent conflict = new AuditEvent(UUID.randomUUID(), t0.plusSeconds(1), AuditEventType.ADMIN_ACCESS_DENIED,
                new RequestId("req-" + UUID.randomUUID()), Optional.empty(), Optional.of(tenant), Optional.empty(),
                "anonymous", Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.CONFLICT,
                Optional.empty(), "no token", Optional.of(new AdminDetails("anonymous", "192.0.2.1",
                "GET /admin/api/v1/tenants", Optional.empty(), Optional.empty())));

        audit.append(event);
        audit.append(conflict);

        assertThat(audit.query(new AuditQuery(Optional.of(tenant), Optional.empty(), t0, t0.plusSeconds(3600), 10)))
                .containsExactly(conflict, event);
        assertThat(audit.lostCount()).isZero();
    }

    @Test
    void optional_fields_may_be_empty() {
        Instant t0 = anHourOfOurOwn();
        AuditEvent adminAction = new AuditEvent(UUID.randomUUID(), t0, AuditEventType.TENANT_CREATED,
                new RequestId("req-" + UUID.randomUUID()), Optional.empty(), Optional.empty(), Optional.empty(),
                "admin:alice",
                Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS, Optional.empty(), "");

        audit.append(adminAction);

        assertThat(audit.query(new AuditQuery(Optional.empty(), Optional.of(AuditEventType.TENANT_CREATED), t0,
                t0.plusSeconds(1), 10))).containsExactly(adminAction);
    }

    @Test
    void query_filters_by_tenant_type_and_time_newest_first_with_a_limit() {
        Instant t0 = anHourOfOurOwn();
        TenantId acme = new TenantId(UUID.randomUUID());
        TenantId other = new TenantId(UUID.randomUUID());
        List<AuditEvent> acmeGenerations = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            AuditEvent e = event(acme, AuditEventType.GENERATE_CONTENT, t0.plusSeconds(60L * minute));
            acmeGenerations.add(e);
            audit.append(e);
        }
        AuditEvent acmeCount = event(acme, AuditEventType.COUNT_TOKENS, t0.plusSeconds(90));
        AuditEvent otherGeneration = event(other, AuditEventType.GENERATE_CONTENT, t0.plusSeconds(120));
        AuditEvent acmeBefore = event(acme, AuditEventType.GENERATE_CONTENT, t0.minusMillis(1));
        AuditEvent acmeAtEnd = event(acme, AuditEventType.GENERATE_CONTENT, t0.plusSeconds(3600));
        List.of(acmeCount, otherGeneration, acmeBefore, acmeAtEnd).forEach(audit::append);
        Instant to = t0.plusSeconds(3600);

        List<AuditEvent> newestThree = audit.query(
                new AuditQuery(Optional.of(acme), Optional.of(AuditEventType.GENERATE_CONTENT), t0, to, 3));
        assertThat(newestThree).containsExactly(acmeGenerations.get(9), acmeGenerations.get(8), acmeGenerations.get(7));

        assertThat(audit.query(new AuditQuery(Optional.of(acme), Optional.empty(), t0, to, 100)))
                .hasSize(11).contains(acmeCount).doesNotContain(otherGeneration, acmeBefore, acmeAtEnd);
        assertThat(audit.query(new AuditQuery(Optional.empty(), Optional.of(AuditEventType.GENERATE_CONTENT), t0, to, 100)))
                .hasSize(11).contains(otherGeneration).doesNotContain(acmeCount);
        assertThat(audit.query(new AuditQuery(Optional.of(acme), Optional.empty(), t0.plusSeconds(60), t0.plusSeconds(120), 100)))
                .containsExactly(acmeCount, acmeGenerations.get(1));
    }

    @Test
    void a_burst_of_concurrent_appends_is_all_written() throws Exception {
        // 5,000 appenders against a queue of 256 (test configuration): they must wait for room, never drop.
        Instant t0 = anHourOfOurOwn();
        TenantId burst = new TenantId(UUID.randomUUID());
        int appenders = 5_000;
        long lostBefore = audit.lostCount();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < appenders; i++) {
                AuditEvent e = event(burst, AuditEventType.GENERATE_CONTENT, t0.plusMillis(i));
                done.add(threads.submit(() -> {
                    go.await();
                    audit.append(e);
                    return null;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            audit.flush();
            System.out.printf("%d concurrent appends written in %d ms%n", appenders,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        }

        assertThat(countRows(burst)).isEqualTo(appenders);
        assertThat(audit.lostCount()).isEqualTo(lostBefore);
        assertThat(audit.queuedCount()).isZero();
    }

    @Test
    void closing_drains_everything_still_queued(@TempDir Path spool) throws Exception {
        // A second instance (with a spool of its own), so that closing it does not close the application's audit log.
        PostgresAuditLog own = new PostgresAuditLog(dataSource,
                PostgresAuditLog.Settings.defaults(spool).withMaxDelay(Duration.ofSeconds(5)), Clock.systemUTC());
        Instant t0 = anHourOfOurOwn();
        TenantId tenant = new TenantId(UUID.randomUUID());
        for (int i = 0; i < 2_000; i++) {
            own.append(event(tenant, AuditEventType.GENERATE_CONTENT, t0.plusMillis(i)));
        }

        own.close();

        assertThat(countRows(tenant)).isEqualTo(2_000);
        assertThat(own.writtenCount()).isEqualTo(2_000);
        assertThat(own.lostCount()).isZero();

        // After close an append is written at once rather than left in a queue nobody reads.
        own.append(event(tenant, AuditEventType.GENERATE_CONTENT, t0.plusSeconds(10)));
        assertThat(countRows(tenant)).isEqualTo(2_001);
    }

    /**
     * The writer sleeps through a batch's window rather than waking for each event; what cannot wait must still end
     * the window: a flush, and a full batch.
     */
    @Test
    void a_flush_or_a_full_batch_ends_the_batch_window_at_once(@TempDir Path spool) throws Exception {
        Duration window = Duration.ofSeconds(30);
        PostgresAuditLog own = new PostgresAuditLog(dataSource,
                PostgresAuditLog.Settings.defaults(spool).withMaxDelay(window), Clock.systemUTC());
        try {
            Instant t0 = anHourOfOurOwn();
            TenantId tenant = new TenantId(UUID.randomUUID());
            own.append(event(tenant, AuditEventType.GENERATE_CONTENT, t0));
            Thread.sleep(200); // the writer took the event and sleeps in its window
            long started = System.nanoTime();
            own.flush();
            assertThat(countRows(tenant)).isEqualTo(1);

            int batch = PostgresAuditLog.Settings.defaults(spool).batchSize();
            TenantId many = new TenantId(UUID.randomUUID());
            for (int i = 0; i < batch; i++) {
                own.append(event(many, AuditEventType.GENERATE_CONTENT, t0.plusMillis(i + 1)));
            }
            while (countRows(many) < batch && Duration.ofNanos(System.nanoTime() - started).compareTo(window) < 0) {
                Thread.sleep(20);
            }
            assertThat(countRows(many)).isEqualTo(batch);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(window.dividedBy(3));
        } finally {
            own.close();
        }
    }

    @Test
    void the_application_s_audit_log_is_async_with_its_spool_under_target_and_replays_nothing_at_rest() {
        assertThat(audit.durability()).isEqualTo(PostgresAuditLog.Durability.ASYNC);
        audit.flush();
        assertThat(audit.spooledCount()).isZero();
        assertThat(audit.queuedCount()).isZero();
        assertThat(audit.lag()).isEqualTo(Duration.ZERO);
        assertThat(Path.of("target", "audit-spool", "audit.lock")).exists();
    }

    @Test
    void a_row_the_database_refuses_costs_only_itself() throws Exception {
        Instant t0 = anHourOfOurOwn();
        TenantId tenant = new TenantId(UUID.randomUUID());
        AuditEvent good = event(tenant, AuditEventType.GENERATE_CONTENT, t0);
        // A "hash" of 2,000 characters is a prompt passed by mistake: the column (128) refuses to store it.
        AuditEvent promptInsteadOfHash = new AuditEvent(UUID.randomUUID(), t0.plusMillis(1),
                AuditEventType.GENERATE_CONTENT, new RequestId("req-long"), Optional.empty(), Optional.of(tenant), Optional.empty(),
                "key:test", Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS,
                Optional.of("x".repeat(2_000)), "");
        AuditEvent alsoGood = event(tenant, AuditEventType.GENERATE_CONTENT, t0.plusMillis(2));
        long lostBefore = audit.lostCount();

        audit.append(good);
        audit.append(promptInsteadOfHash);
        audit.append(alsoGood);
        audit.flush();

        assertThat(countRows(tenant)).isEqualTo(2);
        assertThat(audit.lostCount()).isEqualTo(lostBefore + 1);
    }

    /** A batch goes in by COPY, whose text format escapes these; every one must read back as it was. */
    @Test
    void text_with_tabs_newlines_backslashes_and_copy_markers_reads_back_whole() {
        Instant t0 = anHourOfOurOwn();
        TenantId tenant = new TenantId(UUID.randomUUID());
        AuditEvent request = new AuditEvent(UUID.randomUUID(), t0.plusNanos(999_000), AuditEventType.GENERATE_CONTENT,
                new RequestId("req\t-" + UUID.randomUUID()), Optional.of("corr\\.\\N-é-✓"), Optional.of(tenant),
                Optional.of(new ApiKeyId(UUID.randomUUID())), "key:a\\b", Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(1, 2, 3, 1), Money.ofMicros(5), Duration.ofMillis(7), Outcome.UPSTREAM_ERROR,
                Optional.of("ab".repeat(32)), "line one\nstill\tone\nline\rtwo\\end\n\\.\n",
                Optional.empty(), Optional.of("\\."));
        AuditEvent admin = new AuditEvent(UUID.randomUUID(), t0.plusSeconds(1), AuditEventType.TENANT_UPDATED,
                new RequestId("req-" + UUID.randomUUID()), Optional.empty(), Optional.of(tenant), Optional.empty(),
                "sub-\tbob", Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS,
                Optional.empty(), "\t", Optional.of(new AdminDetails("Bob\nAdmin", "192.0.2.7", "tenant:\\x",
                Optional.of("{\"a\":\"1\\t2\"}\n"), Optional.of("\\N"))));

        audit.append(request);
        audit.append(admin);
        audit.flush();

        assertThat(audit.query(new AuditQuery(Optional.of(tenant), Optional.empty(), t0, t0.plusSeconds(3600), 10)))
                .containsExactly(admin, request);
    }

    /** A batch that meets a row already there (COPY refuses it) still stores each event once and loses nothing. */
    @Test
    void an_event_appended_twice_is_stored_once() throws Exception {
        TenantId tenant = new TenantId(UUID.randomUUID());
        AuditEvent once = event(tenant, AuditEventType.GENERATE_CONTENT, anHourOfOurOwn());
        AuditEvent other = event(tenant, AuditEventType.GENERATE_CONTENT, once.occurredAt().plusMillis(1));
        long lostBefore = audit.lostCount();

        audit.append(once);
        audit.flush();
        audit.append(once);
        audit.append(other);
        audit.flush();

        assertThat(countRows(tenant)).isEqualTo(2);
        assertThat(audit.lostCount()).isEqualTo(lostBefore);
    }

    private static AuditEvent event(TenantId tenant, AuditEventType type, Instant at) {
        return new AuditEvent(UUID.randomUUID(), at, type, new RequestId("req-" + UUID.randomUUID()),
                Optional.empty(), Optional.of(tenant), Optional.empty(), "key:test", Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(10, 5, 0, 0), Money.ofMicros(17), Duration.ofMillis(120), Outcome.SUCCESS,
                Optional.empty(), "");
    }

    private long countRows(TenantId tenant) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM audit_events WHERE tenant_id = ?")) {
            s.setObject(1, tenant.value());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
