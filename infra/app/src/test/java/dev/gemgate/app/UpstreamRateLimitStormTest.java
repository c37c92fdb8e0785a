package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's "done when" for the upstream: the emulator answers 429 with RetryInfo for a while, many clients keep
 * calling through Gemgate, and Gemgate's calls to the upstream stay bounded (the emulator's request log counts them):
 * the first burst, then nothing during the cooldown, then one probe per cooldown; every client gets a clean 429 with
 * Retry-After or a success; once the upstream recovers and the cooldown has passed, admission recovers. Time passes on
 * the app's {@link ShiftableClock}, not by sleeping. A model no other test of this boot uses, so its cooldowns
 * disturb nobody, and the gate is cleared afterwards.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class UpstreamRateLimitStormTest {
    private static final String MODEL = "gemini-2.5-flash-lite";
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);
    private static final int CLIENTS = 40;
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

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private String key;

    private record Answer(int status, String retryAfter, String quotaId, String googleStatus) {
    }

    @BeforeEach
    void issueKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("storm-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "storm test")).secret().reveal();
        emulator.faults().forModel(MODEL).clear();
        gate.clear();
    }

    @AfterEach
    void restore() {
        emulator.faults().forModel(MODEL).clear();
        gate.clear();
        ShiftableClock.reset();
    }

    private long upstreamCalls() {
        return emulator.recordedRequests().stream().filter(r -> r.path().contains(MODEL + ":generateContent")).count();
    }

    private Answer call() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(gateway + "v1beta/models/" + MODEL + ":generateContent"))
                    .header("x-goog-api-key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            String quotaId = null;
            for (JsonNode detail : body.path("error").path("details")) {
                if (detail.path("@type").asText().endsWith("QuotaFailure")) {
                    quotaId = detail.path("violations").path(0).path("quotaId").asText();
                }
            }
            return new Answer(response.statusCode(), response.headers().firstValue("retry-after").orElse(null),
                    quotaId, body.path("error").path("status").asText(null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} clients calling at once. */
    private List<Answer> wave(int count) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(clients.submit(() -> {
                    start.await();
                    return call();
                }));
            }
            start.countDown();
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

        // the first burst reaches the upstream (nothing is known yet), and each client gets Google's 429 and delay
        List<Answer> first = wave(CLIENTS);
        long firstBurst = upstreamCalls() - before;
        assertThat(first).allSatisfy(UpstreamRateLimitStormTest::assertCleanRefusal);
        assertThat(firstBurst).isBetween(1L, (long) CLIENTS);
        assertThat(first).filteredOn(a -> a.quotaId() == null).allSatisfy(a ->
                assertThat(a.retryAfter()).as("an upstream 429 passes Google's RetryInfo on").isEqualTo("5"));

        // during the cooldown the clients' retries never reach the upstream
        List<Answer> duringCooldown = wave(CLIENTS);
        assertThat(upstreamCalls() - before).isEqualTo(firstBurst);
        assertThat(duringCooldown).allSatisfy(a -> {
            assertCleanRefusal(a);
            assertThat(a.quotaId()).isEqualTo(UpstreamGate.REQUESTS_PER_MINUTE);
        });

        // after the cooldown, one probe goes for all of them; Google still says 429, so the next cooldown starts
        ShiftableClock.advance(RETRY_DELAY.plusSeconds(1));
        List<Answer> afterCooldown = wave(CLIENTS);
        assertThat(upstreamCalls() - before).isEqualTo(firstBurst + 1);
        assertThat(afterCooldown).allSatisfy(UpstreamRateLimitStormTest::assertCleanRefusal);
        wave(CLIENTS);
        assertThat(upstreamCalls() - before).isEqualTo(firstBurst + 1);

        // the upstream recovers: after the cooldown the probe succeeds and admission opens up again
        emulator.faults().forModel(MODEL).clear();
        ShiftableClock.advance(RETRY_DELAY.plusSeconds(1));
        assertThat(call().status()).isEqualTo(200);
        assertThat(upstreamCalls() - before).isEqualTo(firstBurst + 2);
        for (int i = 0; i < 20; i++) {
            assertThat(call().status()).isEqualTo(200);
        }
        assertThat(wave(10)).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        ModelId model = ModelId.parse(MODEL);
        assertThat(gate.standing(vault.select(model).id(), model).orElseThrow().window()).isGreaterThanOrEqualTo(20);
    }
}
