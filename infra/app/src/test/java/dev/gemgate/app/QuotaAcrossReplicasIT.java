package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Gemgate processes on one PostgreSQL, a tenant limited to 30 requests per minute: offered three times that at
 * once, split across both, the fleet admits at most the limit (plus what the bucket refills during the test), refuses
 * the rest with 429 and a Retry-After, and admits again once the bucket has refilled. The limit is fleet-wide because
 * each replica only hands out allowance it took from the shared bucket in one atomic statement.
 */
class QuotaAcrossReplicasIT {
    private static final int LIMIT = 30;
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":8}}";

    @Test
    void twoReplicasOnOneDatabaseAdmitAtMostTheTenantsLimitTogether() throws Exception {
        try (PackagedGemgate first = PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("quota-a"))
                .systemProperty("gemgate.quota.tenant.requests-per-minute", Integer.toString(LIMIT))
                .start();
             PackagedGemgate second = PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("quota-b"))
                     .systemProperty("gemgate.quota.tenant.requests-per-minute", Integer.toString(LIMIT))
                     .externalDatabase(first.embeddedJdbcUrl().orElseThrow(), EmbeddedPostgresServer.USERNAME,
                             EmbeddedPostgresServer.PASSWORD)
                     .demoKey(first.demoKey())
                     .start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<Integer> statuses = new ArrayList<>();
            List<String> retryAfters = new ArrayList<>();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 3 * LIMIT; i++) {
                    PackagedGemgate target = i % 2 == 0 ? first : second;
                    calls.add(pool.submit(() -> {
                        go.await();
                        return http.send(generate(target), HttpResponse.BodyHandlers.ofString());
                    }));
                }
                go.countDown();
                for (Future<HttpResponse<String>> call : calls) {
                    HttpResponse<String> response = call.get();
                    statuses.add(response.statusCode());
                    response.headers().firstValue("retry-after").ifPresent(retryAfters::add);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long admitted = statuses.stream().filter(s -> s == 200).count();
            long refused = statuses.stream().filter(s -> s == 429).count();
            // the bucket starts full (30) and refills 30 a minute: what the fleet may admit during the burst
            long bound = LIMIT + (long) Math.ceil(LIMIT * seconds / 60.0);
            assertThat(admitted + refused).as("every answer is 200 or 429").isEqualTo(3L * LIMIT);
            assertThat(admitted).as("admitted across both replicas in %.1f s", seconds).isLessThanOrEqualTo(bound);
            // allowance held in slices by a replica is under-admission: a few units at most
            assertThat(admitted).isGreaterThanOrEqualTo(LIMIT - 6);
            assertThat(retryAfters).hasSize((int) refused).allSatisfy(v -> assertThat(Long.parseLong(v)).isPositive());

            // 30 a minute: one more every 2 s; after 8 s (4 more, whatever slice either replica takes) both admit again
            Thread.sleep(8_000);
            assertThat(http.send(generate(first), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(generate(second), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
        }
    }

    private static HttpRequest generate(PackagedGemgate target) {
        return HttpRequest.newBuilder(target.baseUri().resolve("/v1beta/models/gemini-2.5-flash:generateContent"))
                .header("x-goog-api-key", target.demoKey()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
