package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.waiting.WaitingRoom;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waiting instead of failing, through the Gemini surface on the real (PostgreSQL) limiter: each key may make 60
 * requests a minute (a burst of 60, then one a second) and a refused request may wait 15 s. A burst beyond the bucket
 * is answered with successes after waits that follow the refill, not with 429s; a request whose {@code X-Server-Timeout}
 * is shorter than its wait gets its 429 and Retry-After without waiting it out; the waits show on /q/metrics.
 */
@QuarkusTest
@TestProfile(WaitingForRoomGatewayTest.OneASecond.class)
@WithTestResource(GatewayTestResources.class)
class WaitingForRoomGatewayTest {
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":8}}";
    private static final int LIMIT = 60;
    private static final int BEYOND = 10;

    public static class OneASecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemgate.quota.key.requests-per-minute", Integer.toString(LIMIT),
                    "gemgate.quota.max-wait", "15s");
        }
    }

    @TestHTTPResource("/")
    URL publicPort;

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    WaitingRoom room;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Answer(int status, long millis, String retryAfter) {
    }

    private String newKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("waiting-" + UUID.randomUUID()));
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "waiting test")).secret().reveal();
    }

    private Answer generate(String key, String serverTimeout) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(publicPort.toString())
                        .resolve("/v1beta/models/gemini-2.5-flash:generateContent"))
                .header("x-goog-api-key", key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(BODY));
        if (serverTimeout != null) {
            request.header("X-Server-Timeout", serverTimeout);
        }
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), (System.nanoTime() - start) / 1_000_000,
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private void awaitWaiting(int count) {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (room.waiting() < count) {
            assertThat(System.nanoTime()).as("requests waiting").isLessThan(giveUp);
            Thread.onSpinWait();
        }
    }

    @Test
    void aBurstBeyondTheBucketWaitsForTheRefillAndAShortDeadlineIsRefusedAtOnce() throws Exception {
        String warmUp = newKey();
        for (int i = 0; i < 20; i++) { // a cold gateway answers its first burst slowly; its waits are what we measure
            assertThat(generate(warmUp, null).status()).isEqualTo(200);
        }
        String key = newKey();
        double admittedBefore = metric("gemgate_quota_wait_seconds_count", "RequestsPerMinutePerApiKey", "admitted");
        double refusedBefore = metric("gemgate_quota_wait_seconds_count", "RequestsPerMinutePerApiKey", "refused");
        List<Answer> answers = new ArrayList<>();
        Answer hurried;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> burst = new ArrayList<>();
            for (int i = 0; i < LIMIT + BEYOND; i++) {
                burst.add(pool.submit(() -> {
                    go.await();
                    return generate(key, null);
                }));
            }
            go.countDown();
            awaitWaiting(4); // the bucket is empty and requests wait for their turn, one a second
            // behind at least 4 of them its wait is 4 s or more; it may still take a unit that came back before the
            // head tried (a first try is not queued, see WaitingRoom), so it is asked up to 3 times
            List<Answer> hurriedAnswers = new ArrayList<>();
            do {
                hurriedAnswers.add(generate(key, "0.3"));
            } while (hurriedAnswers.getLast().status() == 200 && hurriedAnswers.size() < 3);
            assertThat(hurriedAnswers).as("a caller that waits 0.3 s is never held longer")
                    .allSatisfy(a -> assertThat(a.millis()).isLessThan(1_000));
            hurried = hurriedAnswers.getLast();
            for (Future<Answer> call : burst) {
                answers.add(call.get());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("burst of %d in %.2f s; answers (ms): %s; hurried: %s; waits: %s%n", LIMIT + BEYOND,
                seconds, answers.stream().map(Answer::millis).sorted().toList(), hurried,
                scrape().lines().filter(l -> l.startsWith("gemgate_quota_wait_seconds_")
                        && l.contains("PerApiKey") && !l.contains("_bucket")).toList());

        assertThat(answers).as("every request of the burst is admitted, after waiting if need be")
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        // those beyond the bucket waited for its refill: admitted one a second, each within the maximum wait
        int waited = (int) (metric("gemgate_quota_wait_seconds_count", "RequestsPerMinutePerApiKey", "admitted")
                - admittedBefore);
        assertThat(waited).as("requests admitted after waiting").isGreaterThanOrEqualTo(4);
        assertThat(metric("gemgate_quota_wait_seconds_max", "RequestsPerMinutePerApiKey", "admitted"))
                .as("the longest wait").isBetween(2.0, 15.0);
        List<Long> millis = answers.stream().map(Answer::millis).sorted().toList();
        double spacing = (millis.getLast() - millis.get(millis.size() - waited)) / 1000.0 / (waited - 1);
        assertThat(spacing).as("seconds between the admissions of waiting requests (refill: 1 a second)")
                .isBetween(0.8, 1.6);

        assertThat(hurried.status()).as("a caller that waits 0.3 s is refused instead of waiting").isEqualTo(429);
        assertThat(Long.parseLong(hurried.retryAfter())).isPositive();

        assertThat(metric("gemgate_quota_wait_seconds_count", "RequestsPerMinutePerApiKey", "refused")
                - refusedBefore).isGreaterThanOrEqualTo(1);
        assertThat(scrape()).contains("gemgate_quota_waiting{lane=\"RequestsPerMinutePerApiKey\"} 0.0")
                .contains("gemgate_quota_wait_seconds_bucket").doesNotContain(key);
    }

    @Test
    void aMalformedServerTimeoutIsABadRequest() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(publicPort.toString())
                        .resolve("/v1beta/models/gemini-2.5-flash:generateContent"))
                .header("x-goog-api-key", newKey()).header("Content-Type", "application/json")
                .header("X-Server-Timeout", "soon").POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("INVALID_ARGUMENT").contains("X-Server-Timeout");
    }

    private String scrape() {
        return given().baseUri(ManagementInterfaceTest.base(managementPort)).get("/q/metrics").then().statusCode(200)
                .extract().asString();
    }

    private double metric(String name, String lane, String outcome) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "\\{lane=\"" + lane + "\",outcome=\"" + outcome
                + "\"} ([0-9.Ee+-]+)").matcher(scrape());
        assertThat(m.find()).as(name + " for " + lane + " " + outcome).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
