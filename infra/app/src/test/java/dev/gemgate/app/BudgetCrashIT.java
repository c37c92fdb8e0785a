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
 * requests wait for a slow upstream. Once the dead replica's reservations expire, the survivor's sweep settles each of
 * them once at its reserved amount (the upstream may have billed them: never simply released); every reservation ends
 * with exactly one settlement; each one the survivor settled is exactly its request's audited cost; the settled spend
 * rebuilt from the rows is the sum of those charges and stays within what was leased and the limit. The survivor keeps
 * serving throughout.
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
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.builder().port(0).recordRequests(true)
                .build());
             PackagedGemgate survivor = ledgered(PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("crash-a")))
                     .upstream(upstream.baseUrl())
                     .start();
             PackagedGemgate victim = ledgered(PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("crash-b")))
                     .upstream(upstream.baseUrl())
                     .externalDatabase(survivor.embeddedJdbcUrl().orElseThrow(), EmbeddedPostgresServer.USERNAME,
                             EmbeddedPostgresServer.PASSWORD)
                     .demoKey(survivor.demoKey())
                     .start();
             Connection db = DriverManager.getConnection(survivor.embeddedJdbcUrl().orElseThrow(),
                     EmbeddedPostgresServer.USERNAME, EmbeddedPostgresServer.PASSWORD)) {
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
                awaitReservations(db, 2L * PER_REPLICA);
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
            long rebuilt = single(db, "SELECT coalesce(sum(s.amount_micros), 0) FROM budget_reservations r "
                    + "JOIN budget_settlements s ON s.reservation_id = r.reservation_id "
                    + "WHERE r.account_keys @> ARRAY[(SELECT account_key FROM budget_accounts "
                    + "WHERE account_key LIKE 'budget:tenant:%')]::varchar(400)[]");
            long leased = single(db, "SELECT leased_micros FROM budget_accounts WHERE account_key LIKE "
                    + "'budget:tenant:%'");
            System.out.printf("CRASH %d reservations, %d expired at their reserved amount; charged %d micro-USD "
                    + "(audited + expired %d, rebuilt %d), leased %d of %d%n", reservations, PER_REPLICA, charged,
                    expected, rebuilt, leased, LIMIT_MICROS);
            assertThat(charged).as("nothing charged twice, nothing missed").isEqualTo(expected);
            assertThat(rebuilt).as("the balance rebuilt from the rows").isEqualTo(charged);
            assertThat(charged).isLessThanOrEqualTo(leased);
            assertThat(leased).isLessThanOrEqualTo(LIMIT_MICROS);
        }
    }

    private static PackagedGemgate.Builder ledgered(PackagedGemgate.Builder builder) {
        return builder.systemProperty("gemgate.budget.tenant.limit-usd", "50")
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
