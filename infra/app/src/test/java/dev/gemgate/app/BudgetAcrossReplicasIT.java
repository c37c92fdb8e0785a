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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's concurrency check: two Gemgate processes on one PostgreSQL, a tenant budget that affords a few dozen
 * requests, 1,000 requests at once split across both (CJK text, no maxOutputTokens: the reservation covers the model's
 * maximum output). The settled spend never exceeds the budget, the ledger's total equals the audit log's costs, and
 * every refused request was refused before reaching the upstream (the emulator counts the calls it received).
 */
class BudgetAcrossReplicasIT {
    private static final String LIMIT_USD = "0.5";
    private static final long LIMIT_MICROS = 500_000;
    private static final int REQUESTS = 1_000;
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"你好，世界。今天天气怎么样？\"}]}]}";

    @Test
    void twoReplicasNeverSettleMoreThanTheBudgetAndRefuseBeforeTheUpstream() throws Exception {
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.builder().port(0).recordRequests(true)
                .build());
             PackagedGemgate first = PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("budget-a"))
                     .upstream(upstream.baseUrl())
                     .systemProperty("gemgate.budget.tenant.limit-usd", LIMIT_USD)
                     .start();
             PackagedGemgate second = PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("budget-b"))
                     .upstream(upstream.baseUrl())
                     .systemProperty("gemgate.budget.tenant.limit-usd", LIMIT_USD)
                     .externalDatabase(first.embeddedJdbcUrl().orElseThrow(), EmbeddedPostgresServer.USERNAME,
                             EmbeddedPostgresServer.PASSWORD)
                     .demoKey(first.demoKey())
                     .start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            long callsBefore = generateCalls(upstream);
            List<Integer> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    PackagedGemgate target = i % 2 == 0 ? first : second;
                    calls.add(pool.submit(() -> {
                        go.await();
                        return http.send(generate(target), HttpResponse.BodyHandlers.ofString());
                    }));
                }
                go.countDown();
                for (Future<HttpResponse<String>> call : calls) {
                    statuses.add(call.get().statusCode());
                }
            }
            long admitted = statuses.stream().filter(s -> s == 200).count();
            long refused = statuses.stream().filter(s -> s == 429).count();
            assertThat(admitted + refused).as("every answer is 200 or 429").isEqualTo(REQUESTS);
            assertThat(admitted).as("the budget affords some").isPositive();
            assertThat(refused).as("and not all").isPositive();
            assertThat(generateCalls(upstream) - callsBefore).as("only admitted requests reached the upstream")
                    .isEqualTo(admitted);

            try (Connection db = DriverManager.getConnection(first.embeddedJdbcUrl().orElseThrow(),
                    EmbeddedPostgresServer.USERNAME, EmbeddedPostgresServer.PASSWORD)) {
                awaitAudited(db, REQUESTS);
                long settled = single(db, "SELECT coalesce(sum(amount_micros), 0) FROM budget_settlements");
                long leased = single(db, "SELECT coalesce(max(leased_micros), 0) FROM budget_accounts");
                long audited = single(db, "SELECT coalesce(sum(cost_micros), 0) FROM audit_events "
                        + "WHERE type = 'GENERATE_CONTENT'");
                System.out.printf("BUDGET %d requests over 2 replicas: %d admitted, %d refused; settled %d of %d "
                        + "micro-USD (leased %d), audited %d%n", REQUESTS, admitted, refused, settled, LIMIT_MICROS,
                        leased, audited);
                assertThat(settled).as("settled spend within the budget").isLessThanOrEqualTo(LIMIT_MICROS);
                assertThat(leased).as("money leased out within the budget").isLessThanOrEqualTo(LIMIT_MICROS);
                assertThat(settled).as("the ledger's total is the audit log's").isEqualTo(audited);
            }
        }
    }

    private static long generateCalls(GeminiEmulator upstream) {
        return upstream.recordedRequests().stream().filter(r -> r.path().endsWith(":generateContent")).count();
    }

    /** The audit log is written in batches: waits until every request's event is in. */
    private static void awaitAudited(Connection db, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (single(db, "SELECT count(*) FROM audit_events WHERE type = 'GENERATE_CONTENT'") < count) {
            assertThat(System.nanoTime()).as("every request audited").isLessThan(deadline);
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
        return HttpRequest.newBuilder(target.baseUri().resolve("/v1beta/models/gemini-2.5-flash:generateContent"))
                .header("x-goog-api-key", target.demoKey()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
