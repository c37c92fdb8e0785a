package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.RetryBudget;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.KeyLog;
import dev.gemgate.emulator.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16's "done when", driven by the emulator's fault plan through the real gateway: retries that honour
 * RetryInfo, the circuit breaker and the fallback model, the deadline, the retry budget, a rejected credential, and a
 * key rotation under load through the admin API. Each test has its own model, so that circuits and cooldowns left by
 * one disturb no other.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class ResilienceGatewayTest {
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":50}}";
    private static final String CREDENTIALS = "/admin/api/v1/upstream-credentials";

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    UpstreamGate gate;

    @Inject
    RetryBudget budget;

    @Inject
    UpstreamCircuits circuits;

    @Inject
    CredentialPool pool;

    @Inject
    ConfiguredUpstream configured;

    @Inject
    AuditLog auditLog;

    @Inject
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private Tenant tenant;
    private String key;

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("resilience-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "resilience test")).secret().reveal();
        emulator.faults().clear();
        gate.clear();
        budget.refill(); // every test starts from a full retry budget, whatever the tests before it spent
    }

    @AfterEach
    void restore() {
        emulator.faults().clear();
        gate.clear();
    }

    private record Answer(int status, String body, String servedModel, String cost, long millis) {
    }

    private Answer call(String model, Optional<String> serverTimeout) {
        long start = System.nanoTime();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(gateway + "v1beta/models/" + model + ":generateContent"))
                    .header("x-goog-api-key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY));
            serverTimeout.ifPresent(t -> request.header("X-Server-Timeout", t));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("x-gemgate-served-model").orElse(null),
                    response.headers().firstValue("x-gemgate-cost-usd").orElse(null),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<RecordedRequest> upstreamCalls(String model) {
        return emulator.recordedRequests().stream().filter(r -> r.path().contains("/" + model + ":")).toList();
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private List<AuditEvent> generations() {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(AuditEventType.GENERATE_CONTENT),
                Instant.EPOCH, Instant.now().plusSeconds(60), 1000));
    }

    @Test
    void twoRateLimitsWithRetryInfoThenASuccessGiveTheClientASuccessAfterTheDelays() {
        String model = "gemini-4-hydrogen";
        Duration delay = Duration.ofMillis(700);
        emulator.faults().forModel(model).rateLimit(2, delay);

        Answer answer = call(model, Optional.empty());

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<RecordedRequest> attempts = upstreamCalls(model);
        assertThat(attempts).hasSize(3);
        for (int i = 1; i < attempts.size(); i++) {
            Duration gap = Duration.between(attempts.get(i - 1).receivedAt(), attempts.get(i).receivedAt());
            assertThat(gap).as("gap before attempt %d", i + 1).isGreaterThanOrEqualTo(delay);
        }
        assertThat(generations()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS));
    }

    @Test
    void a503BurstOpensTheCircuitTheFallbackServesAtItsPriceAndTheCircuitClosesAfterRecovery() throws Exception {
        String model = "gemini-3.1-pro-preview";
        String fallback = "gemini-3.5-flash-lite";
        UpstreamCredentialId credential = configured.credential().id();
        emulator.faults().forModel(model).serverError(-1, 503);

        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < 30 && circuits.state(credential, ModelId.parse(model)) != CircuitState.OPEN; i++) {
            answers.add(call(model, Optional.empty()));
        }
        assertThat(circuits.state(credential, ModelId.parse(model))).isEqualTo(CircuitState.OPEN);
        // every request was served: by the model's retries never (it kept failing), so by the fallback
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.servedModel()).isEqualTo(fallback);
        });
        // with the circuit open, the model is not called at all: straight to the fallback
        int before = upstreamCalls(model).size();
        Answer open = call(model, Optional.empty());
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.servedModel()).isEqualTo(fallback);
        assertThat(upstreamCalls(model)).hasSize(before);
        // charged at the fallback's price (0.30 in, 2.50 out per million), audited with the model that served
        AuditEvent last = generations().getFirst();
        assertThat(last.model()).contains(ModelId.parse(fallback));
        assertThat(last.detail()).contains("fallback").contains(model);
        long expectedMicros = Math.round(last.usage().promptTokens() * 0.30 + last.usage().outputTokens() * 2.50);
        assertThat(last.cost().micros()).isBetween(expectedMicros - 1, expectedMicros + 1);
        assertThat(open.cost()).isEqualTo(dev.gemgate.adapter.web.CostHeader.usd(last.cost()));
        assertThat(registry.find("gemgate.upstream.fallbacks").tag("from", model).tag("to", fallback).counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isPositive());

        // a strict tenant is never served by another model: while the circuit is open it gets the 503, at once
        String policy = "/admin/api/v1/tenants/" + tenant.id() + "/fallback-policy";
        admin().body("{\"strict\":true}").put(policy).then().statusCode(200);
        try {
            Answer strict = call(model, Optional.empty());
            assertThat(strict.status()).isEqualTo(503);
            assertThat(strict.body()).contains("UNAVAILABLE").contains("the circuit for models/" + model
                    + " on credential " + credential + " is open");
            assertThat(upstreamCalls(model)).hasSize(before);
        } finally {
            admin().delete(policy).then().statusCode(204);
        }

        // the circuit's state and openings on the management port's /q/metrics, never a secret
        String metrics = given().baseUri(ManagementInterfaceTest.base(managementPort)).get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertThat(metrics).contains("gemgate_upstream_circuit_state{credential=\"" + credential + "\",model=\""
                + model + "\"} 2.0");
        assertThat(metrics).containsPattern("gemgate_upstream_circuit_opened_total\\{credential=\""
                + credential + "\",model=\"" + model + "\"} [1-9]");
        assertThat(metrics).doesNotContain(configured.credential().secret());

        // recovery: after the open delay a probe goes through, succeeds, and the circuit closes
        emulator.faults().forModel(model).clear();
        Answer recovered = null;
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            recovered = call(model, Optional.empty());
            if (model.equals(recovered.servedModel())) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(recovered).isNotNull();
        assertThat(recovered.servedModel()).isEqualTo(model);
        assertThat(circuits.state(credential, ModelId.parse(model))).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aHangingUpstreamGivesA504WithinTheDeadline() {
        String model = "gemini-3.8-flash";
        emulator.faults().forModel(model).hang(-1);
        Answer answer = call(model, Optional.of("2"));
        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.body()).contains("DEADLINE_EXCEEDED");
        assertThat(answer.millis()).isBetween(1_900L, 2_800L);
        emulator.reset(); // drops the hanging connections
    }

    @Test
    void underAFullOutageTheUpstreamSeesNoMoreCallsThanTheRetryBudgetAllows() throws Exception {
        String model = "gemini-3.6-flash";
        emulator.faults().forModel(model).serverError(-1, 503);
        long start = System.nanoTime(); // before the bucket is emptied: its trickle counts from then at the latest
        while (budget.tryRetry()) {
            // spend what other tests left in the bucket: the bound below starts from less than one retry
        }
        RetryBudget.Settings settings = budget.settings();
        int requests = 40;
        int before = upstreamCalls(model).size();
        for (int i = 0; i < requests; i++) {
            Answer answer = call(model, Optional.empty());
            assertThat(answer.status()).isEqualTo(503);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int calls = upstreamCalls(model).size() - before;
        long bound = requests + (long) Math.floor(settings.ratio() * requests + settings.minPerSecond() * seconds) + 1;
        System.out.printf("RETRY BUDGET %d requests under 100%% 503: %d upstream calls in %.1f s (bound %d, "
                + "unbudgeted %d)%n", requests, calls, seconds, bound, requests * 3);
        // every request reached the upstream (the circuit, 50 calls wide in tests, did not cut them short); the
        // retries beyond that were the budget's
        assertThat(calls).isLessThanOrEqualTo((int) bound).isGreaterThanOrEqualTo(requests);
        assertThat(registry.find("gemgate.upstream.retries.refused").tag("model", model).counter()).isNotNull();

        // leave the model healthy for whoever comes next: the circuit closes after a successful probe
        emulator.faults().forModel(model).clear();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until && circuits.state(configured.credential().id(), ModelId.parse(model))
                != CircuitState.CLOSED) {
            call(model, Optional.empty());
            Thread.sleep(200);
        }
    }

    @Test
    void whenOneOfTwoCredentialsIsRejectedTrafficMovesToTheOtherWithoutAFailedRequest() {
        String model = "gemini-2.5-flash-lite";
        String badKey = "rejected-upstream-key-" + UUID.randomUUID();
        String badId = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body("{\"id\":\"" + badId + "\",\"mode\":\"GEMINI_API_KEY\",\"apiKey\":\"" + badKey
                + "\",\"weight\":1000,\"baseUrl\":\"" + emulator.baseUrl() + "\"}").post(CREDENTIALS)
                .then().statusCode(201);
        try {
            emulator.faults().forApiKey(badKey).reject(-1, 401);
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(call(model, Optional.empty()));
            }
            assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
            // weight 1000 against 1: the bad key took the first call, then was held out
            assertThat(emulator.keyLog().calls(badKey)).isEqualTo(1);
            assertThat(registry.find("gemgate.upstream.credential.rejected").tag("credential", badId)
                    .tag("status", "401").counter()).isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1));
            assertThat(pool.health()).filteredOn(h -> h.credential().value().equals(badId)).singleElement()
                    .satisfies(h -> assertThat(h.heldOutUntil()).isPresent());
            // the admin API shows it held out on this replica, the pool still able to serve, and no secret
            String health = given().header("Authorization", "Bearer "
                            + KeycloakTokens.accessToken(KeycloakTokens.VIEWER)).get(CREDENTIALS + "/health")
                    .then().statusCode(200).body("canServe", org.hamcrest.Matchers.equalTo(true))
                    .body("credentials.find { it.id == '" + badId + "' }.heldOutUntil",
                            org.hamcrest.Matchers.notNullValue())
                    .body("credentials.find { it.id == '" + badId + "' }.status",
                            org.hamcrest.Matchers.equalTo("ACTIVE"))
                    // its one call, counted on this replica
                    .body("credentials.find { it.id == '" + badId + "' }.calls", org.hamcrest.Matchers.equalTo(1))
                    .body("credentials.find { it.id == '" + badId + "' }.lastCallAt",
                            org.hamcrest.Matchers.notNullValue())
                    .extract().asString();
            assertThat(health).doesNotContain(badKey).doesNotContain(configured.credential().secret());
        } finally {
            admin().post(CREDENTIALS + "/" + badId + "/disable").then().statusCode(200);
            admin().delete(CREDENTIALS + "/" + badId).then().statusCode(204);
        }
    }

    @Test
    void rotatingTheUpstreamKeyUnderLoadFailsNoRequestAndTheOldKeyIsNoLongerUsedAfterTheDrain() throws Exception {
        String model = "gemini-2.5-flash";
        String oldKey = configured.credential().secret();
        String oldId = configured.credential().id().value();
        String newKey = "rotated-upstream-key-" + UUID.randomUUID();
        String newId = "rotated-" + UUID.randomUUID().toString().substring(0, 8);
        emulator.faults().forModel(model).latency(-1, Duration.ofMillis(150));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        int clients = 200;
        int inFlightBefore;
        long oldAfterDrain;
        long newAfterDrain;
        ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                workers.add(load.submit(() -> {
                    while (running.get()) {
                        Answer answer = call(model, Optional.empty());
                        if (answer.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(answer.status() + " " + answer.body());
                        }
                    }
                }));
            }
            // until the load has built up (a cold boot takes a few seconds to get 200 clients going)
            int seen = 0;
            for (long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                 seen <= 100 && System.nanoTime() < until; Thread.sleep(50)) {
                seen = Math.max(seen, pool.inFlight(configured.credential().id()));
            }
            inFlightBefore = seen;

            admin().body("{\"id\":\"" + newId + "\",\"mode\":\"GEMINI_API_KEY\",\"apiKey\":\"" + newKey
                    + "\",\"baseUrl\":\"" + emulator.baseUrl() + "\"}").post(CREDENTIALS).then().statusCode(201);
            admin().post(CREDENTIALS + "/" + oldId + "/drain").then().statusCode(200);
            long drained = System.nanoTime();
            while (pool.inFlight(configured.credential().id()) > 0
                    && System.nanoTime() - drained < Duration.ofSeconds(5).toNanos()) {
                Thread.sleep(20);
            }
            assertThat(pool.inFlight(configured.credential().id())).as("the old key's calls finished").isZero();
            KeyLog.Marker afterDrain = emulator.keyLog().mark();
            admin().post(CREDENTIALS + "/" + oldId + "/disable").then().statusCode(200);
            Thread.sleep(1_000);
            oldAfterDrain = emulator.keyLog().callsSince(oldKey, afterDrain);
            newAfterDrain = emulator.keyLog().callsSince(newKey, afterDrain);
        } finally {
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            load.close();
            admin().post(CREDENTIALS + "/" + oldId + "/enable").then().statusCode(200);
            admin().post(CREDENTIALS + "/" + newId + "/disable");
            admin().delete(CREDENTIALS + "/" + newId);
        }
        System.out.printf("ROTATION under load: %d clients, %d calls in flight on the old key before, %d successes, "
                + "%d failures; after the drain: %d calls with the old key, %d with the new%n", clients,
                inFlightBefore, ok.get(), failures.size(), oldAfterDrain, newAfterDrain);
        assertThat(inFlightBefore).as("calls in flight on the old key").isGreaterThan(50);
        assertThat(oldAfterDrain).isZero();
        assertThat(newAfterDrain).isPositive();
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(clients);
    }
}
