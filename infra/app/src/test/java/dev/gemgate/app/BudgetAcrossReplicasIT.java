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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's concurrency check: two Gemgate processes on one PostgreSQL, 1,000 requests at once split across both, in
 * two rounds, every request without maxOutputTokens (its reservation covers the model's maximum output, 65,536 tokens
 * per candidate: gemini-2.5-flash at 2.50 USD per million, 0.163840 USD):
 * <ol>
 *   <li>against a tenant budget that affords about 50 reservations: two candidates each (0.33 USD), 16.40 USD;</li>
 *   <li>as one new end user (its first requests all at once: they must meet the default end-user budget, not bypass
 *       it), in CJK text, against an end-user budget that affords about 50 reservations (8.20 USD) within the same
 *       tenant budget.</li>
 * </ol>
 * Each time the settled spend of every account stays within its limit and no account's leased total passes its limit
 * or goes negative, the ledger's total equals the audit log's costs, and every refused request was refused before
 * reaching the upstream (the emulator counts the calls it received).
 */
class BudgetAcrossReplicasIT {
    private static final String TENANT_LIMIT_USD = "16.40";
    private static final long TENANT_LIMIT_MICROS = 16_400_000;
    private static final String END_USER_LIMIT_USD = "8.20";
    private static final long END_USER_LIMIT_MICROS = 8_200_000;
    private static final int REQUESTS = 1_000;
    private static final String TWO_CANDIDATES = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":"
            + "\"How is the weather today?\"}]}],\"generationConfig\":{\"candidateCount\":2}}";
    private static final String CJK = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":"
            + "\"你好，世界。今天天气怎么样？東京の天気はどうですか。오늘 날씨 어때요?\"}]}]}";

    @Test
    void twoReplicasNeverSettleMoreThanTheTenantOrTheEndUserBudgetAndRefuseBeforeTheUpstream() throws Exception {
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.builder().port(0).recordRequests(true)
                .build());
             PackagedGemgate first = budgeted(PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("budget-a")))
                     .upstream(upstream.baseUrl())
                     .start();
             PackagedGemgate second = budgeted(PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("budget-b")))
                     .upstream(upstream.baseUrl())
                     .externalDatabase(first.embeddedJdbcUrl().orElseThrow(), EmbeddedPostgresServer.USERNAME,
                             EmbeddedPostgresServer.PASSWORD)
                     .demoKey(first.demoKey())
                     .start();
             Connection db = DriverManager.getConnection(first.embeddedJdbcUrl().orElseThrow(),
                     EmbeddedPostgresServer.USERNAME, EmbeddedPostgresServer.PASSWORD)) {
            Round tenant = round(upstream, first, second, TWO_CANDIDATES, Optional.empty());
            assertRound("tenant budget", tenant);
            awaitLedgerMatchesAudit(db, REQUESTS);
            assertAccounts(db, "budget:tenant:%", TENANT_LIMIT_MICROS);

            String user = "user-" + UUID.randomUUID();
            Round endUser = round(upstream, first, second, CJK, Optional.of(user));
            assertRound("end-user budget", endUser);
            long audited = awaitLedgerMatchesAudit(db, 2 * REQUESTS);
            assertAccounts(db, "budget:end_user:%:" + user + ":%", END_USER_LIMIT_MICROS);
            assertAccounts(db, "budget:tenant:%", TENANT_LIMIT_MICROS);
            long userSettled = single(db, "SELECT coalesce(sum(s.amount_micros), 0) FROM budget_reservations r "
                    + "JOIN budget_settlements s ON s.reservation_id = r.reservation_id "
                    + "WHERE array_to_string(r.account_keys, ' ') LIKE '%budget:end_user:%:" + user + ":%'");
            assertThat(userSettled).as("the end user's requests are all in its account").isPositive();
            System.out.printf("BUDGET tenant round: %d admitted, %d refused; end-user round: %d admitted, %d refused "
                    + "(%d by the end user's budget); audited total %d micro-USD%n", tenant.admitted, tenant.refused,
                    endUser.admitted, endUser.refused, endUser.refusedBy, audited);
        }
    }

    private static PackagedGemgate.Builder budgeted(PackagedGemgate.Builder builder) {
        return builder.systemProperty("gemgate.budget.tenant.limit-usd", TENANT_LIMIT_USD)
                .systemProperty("gemgate.budget.end-user.limit-usd", END_USER_LIMIT_USD);
    }

    /** {@code refusedBy}: refusals naming the budget the round is about (the others name the tenant's). */
    private record Round(long admitted, long refused, long refusedBy, long upstreamCalls) {
    }

    private static Round round(GeminiEmulator upstream, PackagedGemgate first, PackagedGemgate second, String body,
                               Optional<String> endUser) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        long callsBefore = generateCalls(upstream);
        List<Integer> statuses = new ArrayList<>();
        String budget = endUser.map(user -> "budget of end user " + user).orElse("tenant budget");
        long refusedBy = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                PackagedGemgate target = i % 2 == 0 ? first : second;
                calls.add(pool.submit(() -> {
                    go.await();
                    return http.send(generate(target, body, endUser), HttpResponse.BodyHandlers.ofString());
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get();
                statuses.add(response.statusCode());
                if (response.statusCode() == 429) {
                    // every request reserves against the tenant's budget first (the fixed lock order), so in the
                    // end-user round a burst can find the tenant's money held by requests the end user's will refuse
                    assertThat(response.body()).contains("RESOURCE_EXHAUSTED").containsAnyOf(budget,
                            "monthly tenant budget");
                    refusedBy += response.body().contains(budget) ? 1 : 0;
                }
            }
        }
        long admitted = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        return new Round(admitted, refused, refusedBy, generateCalls(upstream) - callsBefore);
    }

    private static void assertRound(String what, Round round) {
        assertThat(round.admitted + round.refused).as(what + ": every answer is 200 or 429").isEqualTo(REQUESTS);
        assertThat(round.admitted).as(what + ": the budget affords some").isPositive();
        assertThat(round.refusedBy).as(what + ": and refuses the rest at once").isPositive();
        assertThat(round.upstreamCalls).as(what + ": only admitted requests reached the upstream")
                .isEqualTo(round.admitted);
    }

    /** Every account matching {@code pattern}: settled spend and leased money within the limit, never negative. */
    private static void assertAccounts(Connection db, String pattern, long limit) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT a.account_key, a.leased_micros, a.budget_limit_micros, "
                        + "(SELECT coalesce(sum(s.amount_micros), 0) FROM budget_reservations r "
                        + " JOIN budget_settlements s ON s.reservation_id = r.reservation_id "
                        + " WHERE r.account_keys @> ARRAY[a.account_key]) "
                        + "FROM budget_accounts a WHERE a.account_key LIKE '" + pattern + "'")) {
            int accounts = 0;
            while (rows.next()) {
                accounts++;
                String key = rows.getString(1);
                assertThat(rows.getLong(3)).as(key + " limit").isEqualTo(limit);
                assertThat(rows.getLong(2)).as(key + " leased").isBetween(0L, limit);
                assertThat(rows.getLong(4)).as(key + " settled").isBetween(0L, rows.getLong(2));
            }
            assertThat(accounts).as("accounts like " + pattern).isEqualTo(1);
        }
    }

    private static long generateCalls(GeminiEmulator upstream) {
        return upstream.recordedRequests().stream().filter(r -> r.path().endsWith(":generateContent")).count();
    }

    /**
     * The audit log is written in batches and settlements off the request path: waits until every request's event is
     * in and the ledger's settled total equals the audit log's costs. Returns that total.
     */
    private static long awaitLedgerMatchesAudit(Connection db, long requests) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            long events = single(db, "SELECT count(*) FROM audit_events WHERE type = 'GENERATE_CONTENT'");
            long settled = single(db, "SELECT coalesce(sum(amount_micros), 0) FROM budget_settlements");
            long audited = single(db, "SELECT coalesce(sum(cost_micros), 0) FROM audit_events "
                    + "WHERE type = 'GENERATE_CONTENT'");
            if (events == requests && settled == audited) {
                return audited;
            }
            assertThat(System.nanoTime()).as("every request audited (%d of %d) and the ledger's total (%d) the audit "
                    + "log's (%d)", events, requests, settled, audited).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long single(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static HttpRequest generate(PackagedGemgate target, String body, Optional<String> endUser) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        target.baseUri().resolve("/v1beta/models/gemini-2.5-flash:generateContent"))
                .header("x-goog-api-key", target.demoKey()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        endUser.ifPresent(user -> request.header("x-gemgate-user", user));
        return request.build();
    }
}
