package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.RetryBudget;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's "done when" for the upstream: the emulator answers 429 with RetryInfo for a while, many clients keep
 * calling through Gemgate, and Gemgate's calls to the upstream stay bounded (the emulator's request log counts them):
 * after the first burst (when nothing is known yet), at most one probe per RetryInfo delay, however many clients
 * wait. Each client gets either a clean 429 with Retry-After (when its deadline, {@code X-Server-Timeout}, ends before
 * the upstream lets it through) or, if the upstream recovers while it waits, a success after waiting; once the
 * upstream recovers, admission opens up again. Real time with a one-second delay (the waiting room parks on real
 * time); a model no other test of this boot uses, so its cooldowns disturb nobody, and the gate is cleared afterwards.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class UpstreamRateLimitStormTest {
    private static final String MODEL = "gemini-2.5-flash-lite";
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final int CLIENTS = 20;
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":50}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    UpstreamGate gate;

    @Inject
    UpstreamKeyVault vault;

    @Inject
    RetryBudget budget;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private String key;

    private record Answer(int status, String retryAfter, String quotaId, String googleStatus, long millis) {
    }

    @BeforeEach
    void issueKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("storm-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "storm test")).secret().reveal();
        emulator.faults().forModel(MODEL).clear();
        gate.clear();
        budget.refill(); // retries allowed, whatever the tests before this one spent: the hardest case for the bounds
    }

    @AfterEach
    void restore() {
        emulator.faults().forModel(MODEL).clear();
        gate.clear();
    }

    private long upstreamCalls() {
        return emulator.recordedRequests().stream().filter(r -> r.path().contains(MODEL + ":generateContent")).count();
    }

    private Answer call(String serverTimeout) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(gateway + "v1beta/models/" + MODEL + ":generateContent"))
                    .header("x-goog-api-key", key).header("Content-Type", "application/json")
                    .header("X-Server-Timeout", serverTimeout)
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            String quotaId = null;
            for (JsonNode detail : body.path("error").path("details")) {
                if (detail.path("@type").asText().endsWith("QuotaFailure")) {
                    quotaId = detail.path("violations").path(0).path("quotaId").asText();
                }
            }
            return new Answer(response.statusCode(), response.headers().firstValue("retry-after").orElse(null),
                    quotaId, body.path("error").path("status").asText(null), (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} clients calling at once, each with {@code serverTimeout} seconds as its deadline. */
    private List<Answer> wave(int count, String serverTimeout, Runnable whileWaiting) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(clients.submit(() -> {
                    start.await();
                    return call(serverTimeout);
                }));
            }
            start.countDown();
            whileWaiting.run();
            List<Answer> out = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                out.add(answer.get());
            }
            return out;
        }
    }

    /** A clean refusal: 429 RESOURCE_EXHAUSTED with a Retry-After of whole seconds, at most the upstream's delay. */
    private static void assertCleanRefusal(Answer answer) {
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.googleStatus()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(answer.retryAfter()).isNotNull();
        assertThat(Long.parseLong(answer.retryAfter())).isBetween(1L, RETRY_DELAY.toSeconds());
    }

    @Test
    void a429StormUpstreamIsNotAmplifiedAndAdmissionRecoversWhenTheUpstreamDoes() throws Exception {
        emulator.faults().forModel(MODEL).rateLimit(-1, RETRY_DELAY);
        long before = upstreamCalls();

        // the first burst reaches the upstream (nothing is known yet), and each client gets Google's 429 and delay;
        // a client whose deadline (2 s) outlasts the cooldown may retry once the delay is over, but the gate lets only
        // one probe per RetryInfo delay through, so the burst costs at most one call per client plus those probes
        long firstStart = System.nanoTime();
        List<Answer> first = wave(CLIENTS, "2", () -> { });
        double firstSeconds = (System.nanoTime() - firstStart) / 1e9;
        long firstBurst = upstreamCalls() - before;
        assertThat(first).allSatisfy(UpstreamRateLimitStormTest::assertCleanRefusal);
        assertThat(firstBurst).as("upstream calls in %.1f s of first burst for %d clients", firstSeconds, CLIENTS)
                .isBetween(1L, CLIENTS + (long) Math.ceil(firstSeconds / RETRY_DELAY.toSeconds()));

        // the storm goes on: clients wait behind the cooldown, one probe goes up per RetryInfo delay, and each client
        // gets a clean 429 once the upstream has not let it through before its deadline (3 s)
        long stormStart = System.nanoTime();
        long beforeStorm = upstreamCalls();
        List<Answer> storm = wave(CLIENTS, "3", () -> { });
        double stormSeconds = (System.nanoTime() - stormStart) / 1e9;
        long stormCalls = upstreamCalls() - beforeStorm;
        assertThat(storm).allSatisfy(UpstreamRateLimitStormTest::assertCleanRefusal);
        assertThat(storm).allSatisfy(a -> assertThat(a.millis()).as("answered by its deadline").isLessThan(3_900));
        assertThat(stormCalls).as("upstream calls in %.1f s of storm for %d clients", stormSeconds, CLIENTS)
                .isLessThanOrEqualTo((long) Math.ceil(stormSeconds / RETRY_DELAY.toSeconds()) + 1);
        assertThat(storm).filteredOn(a -> UpstreamGate.REQUESTS_PER_MINUTE.equals(a.quotaId())).isNotEmpty();

        // the upstream recovers while the next clients wait behind the cooldown: they succeed after waiting
        AtomicBoolean cleared = new AtomicBoolean();
        long beforeRecovery = upstreamCalls();
        List<Answer> recovery = wave(CLIENTS, "10", () -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            emulator.faults().forModel(MODEL).clear();
            cleared.set(true);
        });
        assertThat(cleared).isTrue();
        // the one call the gate let through before the fault was cleared (the probe) may still meet Google's 429
        assertThat(recovery).filteredOn(a -> a.status() != 200).hasSizeLessThanOrEqualTo(1)
                .allSatisfy(UpstreamRateLimitStormTest::assertCleanRefusal);
        assertThat(recovery).filteredOn(a -> a.millis() >= 250).as("some waited for the cooldown").isNotEmpty();
        assertThat(upstreamCalls() - beforeRecovery).as("one call per client, at most one probe more")
                .isBetween((long) CLIENTS, (long) CLIENTS + 1);

        System.out.printf("STORM first burst: %d upstream calls for %d clients; storm: %d upstream calls in %.1f s for %d "
                + "waiting clients, all 429 with Retry-After; recovery: %d calls for %d clients, %d of them 200, slowest "
                + "%d ms%n", firstBurst, CLIENTS, stormCalls, stormSeconds, CLIENTS, upstreamCalls() - beforeRecovery,
                CLIENTS, recovery.stream().filter(a -> a.status() == 200).count(),
                recovery.stream().mapToLong(Answer::millis).max().orElse(0));

        // admission is open again: sequential and concurrent calls all go through at once
        for (int i = 0; i < 10; i++) {
            assertThat(call("5").status()).isEqualTo(200);
        }
        assertThat(wave(10, "5", () -> { })).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        ModelId model = ModelId.parse(MODEL);
        assertThat(gate.standing(vault.select(model).id(), model).orElseThrow().window()).isGreaterThanOrEqualTo(10);
    }
}
