package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import org.junit.jupiter.api.Test;

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
 * Two Gemgate processes on one PostgreSQL, a tenant limited to {@value #LIMIT} requests in flight, an upstream that
 * answers every call {@link #LATENCY} late: offered three times the limit at once, split across both, the fleet admits
 * at most the limit (every admitted call is still in flight when the last refusal is sent, so the admitted count is the
 * fleet's peak in flight), refuses the rest at once with 429 and Retry-After, and admits again once the slow calls are
 * done. The limit is fleet-wide because each replica only hands out permits it leased from the shared pool under the
 * pool's row lock; no lease lapses here (the heartbeat renews them), so the documented bound is the limit itself.
 */
class ConcurrencyAcrossReplicasIT {
    private static final int LIMIT = 6;
    private static final Duration LATENCY = Duration.ofSeconds(4);
    private static final String MODEL = "gemini-2.5-flash";
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":8}}";

    @Test
    void twoReplicasOnOneDatabaseNeverHaveMoreThanTheTenantsLimitInFlight() throws Exception {
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.builder().port(0).build());
             PackagedGemgate first = PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("concurrency-a"))
                     .upstream(upstream.baseUrl())
                     .systemProperty("gemgate.quota.tenant.concurrent-requests", Integer.toString(LIMIT))
                     // refused at once rather than waiting for a permit: what is admitted is then what is in flight
                     .systemProperty("gemgate.quota.max-wait", "0s")
                     .start();
             PackagedGemgate second = PackagedGemgate.builder(PackagedGemgate.freshWorkDirectory("concurrency-b"))
                     .upstream(upstream.baseUrl())
                     .systemProperty("gemgate.quota.tenant.concurrent-requests", Integer.toString(LIMIT))
                     .systemProperty("gemgate.quota.max-wait", "0s")
                     .externalDatabase(first.embeddedJdbcUrl().orElseThrow(), EmbeddedPostgresServer.USERNAME,
                             EmbeddedPostgresServer.PASSWORD)
                     .demoKey(first.demoKey())
                     .start();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(5)).build()) {
            // warm both paths (key lookup, pools, JIT) while the upstream is fast
            for (int i = 0; i < 3; i++) {
                assertThat(http.send(generate(first), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                assertThat(http.send(generate(second), HttpResponse.BodyHandlers.ofString()).statusCode())
                        .isEqualTo(200);
            }
            upstream.faults().forModel(MODEL).latency(-1, LATENCY);

            List<Integer> statuses = new ArrayList<>();
            List<String> retryAfters = new ArrayList<>();
            long lastRefusalNanos = 0;
            long firstAnswerNanos = Long.MAX_VALUE;
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<long[]>> calls = new ArrayList<>();
                for (int i = 0; i < 3 * LIMIT; i++) {
                    PackagedGemgate target = i % 2 == 0 ? first : second;
                    calls.add(pool.submit(() -> {
                        go.await();
                        HttpResponse<String> response = http.send(generate(target),
                                HttpResponse.BodyHandlers.ofString());
                        synchronized (retryAfters) {
                            response.headers().firstValue("retry-after").ifPresent(retryAfters::add);
                        }
                        return new long[] {response.statusCode(), System.nanoTime()};
                    }));
                }
                go.countDown();
                for (Future<long[]> call : calls) {
                    long[] answer = call.get();
                    statuses.add((int) answer[0]);
                    if (answer[0] == 429) {
                        lastRefusalNanos = Math.max(lastRefusalNanos, answer[1]);
                    } else {
                        firstAnswerNanos = Math.min(firstAnswerNanos, answer[1]);
                    }
                }
            }
            long admitted = statuses.stream().filter(s -> s == 200).count();
            long refused = statuses.stream().filter(s -> s == 429).count();
            System.out.printf("CONCURRENCY-ACROSS-REPLICAS %d offered, %d admitted, %d refused, limit %d, %.1f s%n",
                    3 * LIMIT, admitted, refused, LIMIT, (System.nanoTime() - start) / 1e9);
            assertThat(admitted + refused).as("every answer is 200 or 429").isEqualTo(3L * LIMIT);
            assertThat(lastRefusalNanos).as("every refusal came while every admitted call was in flight")
                    .isLessThan(firstAnswerNanos);
            assertThat(admitted).as("in flight at once across both replicas").isLessThanOrEqualTo(LIMIT);
            // permits idle in a replica's lease are under-admission: at most a slice (here 1) per replica
            assertThat(admitted).isGreaterThanOrEqualTo(LIMIT - 2);
            assertThat(retryAfters).hasSize((int) refused).allSatisfy(v -> assertThat(Long.parseLong(v)).isPositive());

            // the slow calls are done and their permits back: both replicas admit the full limit again
            upstream.faults().clear();
            List<Future<Integer>> again = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < LIMIT; i++) {
                    PackagedGemgate target = i % 2 == 0 ? first : second;
                    again.add(pool.submit(() -> http.send(generate(target), HttpResponse.BodyHandlers.ofString())
                            .statusCode()));
                }
                for (Future<Integer> call : again) {
                    assertThat(call.get()).isEqualTo(200);
                }
            }
        }
    }

    private static HttpRequest generate(PackagedGemgate target) {
        return HttpRequest.newBuilder(target.baseUri().resolve("/v1beta/models/" + MODEL + ":generateContent"))
                .header("x-goog-api-key", target.demoKey()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }
}
