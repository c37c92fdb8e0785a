package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.quota.ConcurrencyLimitedQuotaLimiter;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The concurrency limit through the whole gateway, on the real PostgreSQL permit store: with N requests of a key in
 * flight (slow or stalled at the emulator), the (N+1)th is refused with 429 naming {@code ConcurrentRequestsPerApiKey}
 * and the configured Retry-After; once they finish the key is admitted again. A stream holds its permit until its end;
 * a model read takes none.
 */
@QuarkusTest
@TestProfile(ConcurrencyLimitedGatewayTest.Limits.class)
@WithTestResource(GatewayTestResources.class)
class ConcurrencyLimitedGatewayTest {
    private static final int LIMIT = 2;
    private static final String MODEL = "gemini-2.5-flash";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100}}";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse";

    /** Each key: 2 requests in flight at once; refusals say "retry in 3 s". */
    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemgate.quota.key.concurrent-requests", Integer.toString(LIMIT),
                    "gemgate.quota.concurrency-retry-after", "3s");
        }
    }

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    QuotaLimiter limiter;

    @TestHTTPResource("/")
    URI root;

    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String key;

    @BeforeEach
    void issueKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("concurrent-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "concurrency test")).secret().reveal();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
        emulator.resumeStalledStreams();
        http.close();
    }

    private Response generate() {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE);
    }

    /**
     * A call whose deadline ({@code X-Server-Timeout: 1}) ends before the concurrency limit's retry hint (3 s): it is
     * refused at once rather than waiting for room.
     */
    private Response generateInAHurry() {
        return given().header("x-goog-api-key", key).header("X-Server-Timeout", "1").contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE);
    }

    private CompletableFuture<HttpResponse<String>> send(String path) {
        return http.sendAsync(HttpRequest.newBuilder(root.resolve(path)).header("x-goog-api-key", key)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(HELLO)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefusedByTheConcurrencyLimit(Response refused) {
        refused.then().statusCode(429)
                .header("Retry-After", "3")
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0].quotaId",
                        equalTo("ConcurrentRequestsPerApiKey"))
                .body("error.details.find { it.'@type'.endsWith('RetryInfo') }.retryDelay", equalTo("3s"));
    }

    @Test
    void theConcurrencyLimiterIsWiredAroundTheRateLimiter() {
        assertThat(limiter).isInstanceOf(ConcurrencyLimitedQuotaLimiter.class);
    }

    @Test
    void streamsHoldTheirPermitsUntilTheirEndAndTheNextRequestIsRefusedMeanwhile() throws Exception {
        emulator.faults().forModel(MODEL).stallStreamAfter(LIMIT, 1);
        List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            streams.add(send(STREAM));
        }
        emulator.awaitStalledStreams(LIMIT, Duration.ofSeconds(20));

        assertRefusedByTheConcurrencyLimit(generateInAHurry());
        // a model read takes no permit
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200);

        emulator.resumeStalledStreams();
        for (CompletableFuture<HttpResponse<String>> stream : streams) {
            assertThat(stream.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        generate().then().statusCode(200);
    }

    @Test
    void slowCallsInFlightRefuseTheNextUntilTheyFinish() throws Exception {
        emulator.faults().forModel(MODEL).latency(LIMIT, Duration.ofSeconds(3));
        long before = generateCalls();
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            slow.add(send(GENERATE));
        }
        awaitGenerateCalls(before + LIMIT);

        assertRefusedByTheConcurrencyLimit(generateInAHurry());
        // without a deadline a call waits for room (up to gemgate.quota.max-wait) and goes through once one ends
        CompletableFuture<HttpResponse<String>> patient = send(GENERATE);

        for (CompletableFuture<HttpResponse<String>> call : slow) {
            assertThat(call.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(patient.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        generate().then().statusCode(200);
        generate().then().statusCode(200);
    }

    private long generateCalls() {
        return emulator.recordedRequests().stream().map(RecordedRequest::path)
                .filter(p -> p.endsWith(":generateContent")).count();
    }

    /** Waits until the emulator has received the slow calls (so they hold their permits). */
    private void awaitGenerateCalls(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (generateCalls() < count) {
            assertThat(System.nanoTime()).as("the emulator received the slow calls").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
