package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's crash check: two Gemgate processes on one PostgreSQL under load, one of them killed with SIGKILL while its
 * requests wait for a slow upstream. The survivor keeps serving throughout, and the settled spend rebuilt from the rows
 * stays within what was leased and the limit.
 * <ul>
 *   <li>With a row per request ({@code async}): once the dead replica's reservations expire, the survivor's sweep
 *       settles each of them once at its reserved amount (the upstream may have billed them: never simply released);
 *       every reservation ends with exactly one settlement; each one the survivor settled is exactly its request's
 *       audited cost.</li>
 *   <li>Per slice (the default): the dead replica left no row at all (its calls in flight are missing from the record,
 *       their money still leased); the survivor's requests were written as a few settled entries, not one per request,
 *       and they add up to exactly the survivor's audited costs.</li>
 * </ul>
 */
class BudgetCrashIT {
    private static final String MODEL = "gemini-2.5-flash";
    private static final Duration UPSTREAM_LATENCY = Duration.ofMillis(1_500);
    private static final Duration RESERVATION_TTL = Duration.ofSeconds(8);
    private static final long LIMIT_MICROS = 50_000_000;
    private static final int PER_REPLICA = 100;
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello there\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":256}}";

    @Test
    void aKilledReplicasReservationsExpireAndAreChargedOnceAtTheirReservedAmount() throws Exception {
        try (Replicas replicas = Replicas.start("crash", "async")) {
            Connection db = replicas.db();
            replicas.crash(() -> awaitReservations(db, 2L * PER_REPLICA));
            awaitAllSettled(db);
            long reservations = single(db, "SELECT count(*) FROM budget_reservations");
            assertThat(single(db, "SELECT count(*) FROM budget_settlements")).as("one settlement per reservation")
                    .isEqualTo(reservations);
            assertThat(single(db, "SELECT count(*) FROM budget_settlements WHERE kind = 'EXPIRED'"))
                    .as("the victim's reservations expired").isEqualTo(PER_REPLICA);
            assertThat(single(db, "SELECT count(*) FROM budget_settlements s JOIN budget_reservations r "
                    + "ON r.reservation_id = s.reservation_id WHERE s.kind = 'EXPIRED' AND s.amount_micros <> "
                    + "r.amount_micros")).as("an expired reservation is charged its reserved amount").isZero();
            assertThat(single(db, "SELECT count(DISTINCT holder) FROM budget_reservations r JOIN budget_settlements s "
                    + "ON r.reservation_id = s.reservation_id WHERE s.kind = 'EXPIRED'"))
                    .as("all of them the victim's").isEqualTo(1);
            awaitAudited(db, PER_REPLICA + 1);
            assertThat(single(db, "SELECT count(*) FROM budget_settlements s JOIN budget_reservations r "
                    + "ON r.reservation_id = s.reservation_id JOIN audit_events a ON a.request_id = r.request_id "
                    + "WHERE s.kind = 'SETTLED' AND s.amount_micros = a.cost_micros"))
                    .as("each survivor request charged exactly its audited cost").isEqualTo(PER_REPLICA + 1);

            long charged = single(db, "SELECT sum(s.amount_micros) FROM budget_settlements s");
            long expected = single(db, "SELECT sum(a.cost_micros) FROM audit_events a WHERE a.type = "
                    + "'GENERATE_CONTENT'") + single(db, "SELECT sum(r.amount_micros) FROM budget_reservations r "
                    + "JOIN budget_settlements s ON r.reservation_id = s.reservation_id WHERE s.kind = 'EXPIRED'");
            long rebuilt = tenantSettled(db);
            long leased = tenantLeased(db);
            System.out.printf("CRASH %d reservations, %d expired at their reserved amount; charged %d micro-USD "
                    + "(audited + expired %d, rebuilt %d), leased %d of %d%n", reservations, PER_REPLICA, charged,
                    expected, rebuilt, leased, LIMIT_MICROS);
            assertThat(charged).as("nothing charged twice, nothing missed").isEqualTo(expected);
            assertThat(rebuilt).as("the balance rebuilt from the rows").isEqualTo(charged);
            assertThat(charged).isLessThanOrEqualTo(leased);
            assertThat(leased).isLessThanOrEqualTo(LIMIT_MICROS);
        }
    }

    @Test
    void perSliceAKilledReplicaLeavesNoRowAndTheSurvivorsRequestsAreChargedExactlyInAFewEntries() throws Exception {
        try (Replicas replicas = Replicas.start("crash-slice", "slice")) {
            Connection db = replicas.db();
            // no row tells when a request is reserved: the upstream receiving it does (it was reserved first)
            replicas.crash(() -> awaitUpstreamCalls(replicas.upstream(), 2L * PER_REPLICA));

            awaitAudited(db, PER_REPLICA + 1);
            long audited = single(db, "SELECT sum(a.cost_micros) FROM audit_events a WHERE a.type = "
                    + "'GENERATE_CONTENT'");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (single(db, "SELECT coalesce(sum(amount_micros), 0) FROM budget_settlements") != audited) {
                assertThat(System.nanoTime()).as("the survivor's charges written").isLessThan(deadline);
                Thread.sleep(100);
            }
            long entries = single(db, "SELECT count(*) FROM budget_reservations");
            long rebuilt = tenantSettled(db);
            long leased = tenantLeased(db);
            System.out.printf("CRASH per slice: %d requests answered in %d ledger entries; charged %d micro-USD "
                    + "(audited %d), leased %d of %d%n", PER_REPLICA + 1, entries, rebuilt, audited, leased,
                    LIMIT_MICROS);
            assertThat(entries).as("a few entries, not one per request").isPositive().isLessThan(PER_REPLICA / 4);
            assertThat(single(db, "SELECT count(DISTINCT holder) FROM budget_reservations"))
                    .as("all of them the survivor's: the victim wrote nothing").isEqualTo(1);
            assertThat(single(db, "SELECT count(*) FROM budget_settlements WHERE kind <> 'SETTLED'")).isZero();
            assertThat(single(db, "SELECT count(*) FROM budget_settlements")).isEqualTo(entries);
            assertThat(rebuilt).as("the balance rebuilt from the rows is what the survivor's calls cost")
                    .isEqualTo(audited);
            assertThat(rebuilt).isLessThanOrEqualTo(leased);
            assertThat(leased).isLessThanOrEqualTo(LIMIT_MICROS);
        }
    }

    /**
     * The emulator, the survivor (with the embedded PostgreSQL), the victim on the survivor's database, and a connection
     * to it; closed in the reverse order.
     */
    private record Replicas(GeminiEmulator upstream, PackagedGemgate survivor, PackagedGemgate victim, Connection db)
            implements AutoCloseable {
        static Replicas start(String name, String durability) throws Exception {
            List<AutoCloseable> started = new ArrayList<>();
            try {
                GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.builder().port(0).recordRequests(true)
                        .build());
                started.add(upstream);
                PackagedGemgate survivor = ledgered(PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory(
                        name + "-a")), durability).upstream(upstream.baseUrl()).start();
                started.add(survivor);
                PackagedGemgate victim = ledgered(PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory(
                        name + "-b")), durability).upstream(upstream.baseUrl())
                        .externalDatabase(survivor.embeddedJdbcUrl().orElseThrow(), EmbeddedPostgresServer.USERNAME,
                                EmbeddedPostgresServer.PASSWORD)
                        .demoKey(survivor.demoKey())
                        .start();
                started.add(victim);
                Connection db = DriverManager.getConnection(survivor.embeddedJdbcUrl().orElseThrow(),
                        EmbeddedPostgresServer.USERNAME, EmbeddedPostgresServer.PASSWORD);
                return new Replicas(upstream, survivor, victim, db);
            } catch (Exception | Error e) {
                for (int i = started.size() - 1; i >= 0; i--) {
                    try {
                        started.get(i).close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        /**
         * {@code PER_REPLICA} requests to each replica at once against a slow upstream; once {@code allReserved} returns,
         * the victim is killed. The survivor answers all of its own, the victim none; the survivor then serves one more.
         */
        void crash(Check allReserved) throws Exception {
            upstream.faults().forModel(MODEL).latency(-1, UPSTREAM_LATENCY);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<Future<HttpResponse<String>>> toSurvivor = new ArrayList<>();
            List<Future<HttpResponse<String>>> toVictim = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                CountDownLatch go = new CountDownLatch(1);
                for (int i = 0; i < PER_REPLICA; i++) {
                    toSurvivor.add(pool.submit(() -> {
                        go.await();
                        return http.send(generate(survivor), HttpResponse.BodyHandlers.ofString());
                    }));
                    toVictim.add(pool.submit(() -> {
                        go.await();
                        return http.send(generate(victim), HttpResponse.BodyHandlers.ofString());
                    }));
                }
                go.countDown();
                // every victim request reserved and waiting for the upstream: then SIGKILL
                allReserved.run();
                victim.kill();
                assertThat(victim.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
                for (Future<HttpResponse<String>> call : toSurvivor) {
                    assertThat(call.get().statusCode()).as("the survivor serves on").isEqualTo(200);
                }
                for (Future<HttpResponse<String>> call : toVictim) {
                    assertThat(answered(call)).as("the victim answered nothing: it died first").isFalse();
                }
            }
            upstream.faults().clear();
            assertThat(http.send(generate(survivor), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
        }


        @Override
        public void close() throws Exception {
            try (upstream; survivor; victim; db) {
                // closed in the reverse order: the connection, the victim, the survivor and its database, the emulator
            }
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void awaitUpstreamCalls(GeminiEmulator upstream, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (upstream.recordedRequests().stream().filter(r -> r.path().endsWith(":generateContent")).count()
                < count) {
            assertThat(System.nanoTime()).as("every request reserved and sent upstream").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static PackagedGemgate.Builder ledgered(PackagedGemgate.Builder builder, String durability) {
        return builder.systemProperty("gemgate.budget.tenant.limit-usd", "50")
                .systemProperty("gemgate.budget.durability", durability)
                .systemProperty("gemgate.budget.reservation-ttl", RESERVATION_TTL.toMillis() + "ms")
                .systemProperty("gemgate.budget.sweep-interval", "250ms");
    }

    private static boolean answered(Future<HttpResponse<String>> call) throws InterruptedException {
        try {
            call.get();
            return true;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private static void awaitReservations(Connection db, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (single(db, "SELECT count(*) FROM budget_reservations") < count) {
            assertThat(System.nanoTime()).as("every request reserved").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Waits for the expiry sweep to settle what the victim left (its ttl, then the survivor's next sweep). */
    private static void awaitAllSettled(Connection db) throws Exception {
        long deadline = System.nanoTime() + RESERVATION_TTL.plusSeconds(20).toNanos();
        while (single(db, "SELECT count(*) FROM budget_reservations r WHERE NOT EXISTS "
                + "(SELECT 1 FROM budget_settlements s WHERE s.reservation_id = r.reservation_id)") > 0) {
            assertThat(System.nanoTime()).as("every reservation settled").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitAudited(Connection db, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (single(db, "SELECT count(*) FROM audit_events WHERE type = 'GENERATE_CONTENT'") < count) {
            assertThat(System.nanoTime()).as("every survivor request audited").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The tenant account's settled spend, rebuilt from the ledger's rows. */
    private static long tenantSettled(Connection db) throws SQLException {
        return single(db, "SELECT coalesce(sum(s.amount_micros), 0) FROM budget_reservations r "
                + "JOIN budget_settlements s ON s.reservation_id = r.reservation_id "
                + "WHERE r.account_keys @> ARRAY[(SELECT account_key FROM budget_accounts "
                + "WHERE account_key LIKE 'budget:tenant:%')]::varchar(400)[]");
    }

    private static long tenantLeased(Connection db) throws SQLException {
        return single(db, "SELECT leased_micros FROM budget_accounts WHERE account_key LIKE 'budget:tenant:%'");
    }

    private static long single(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static HttpRequest generate(PackagedGemgate target) {
        return HttpRequest.newBuilder(target.baseUri().resolve("/v1beta/models/" + MODEL + ":generateContent"))
                .header("x-goog-api-key", target.demoKey()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
