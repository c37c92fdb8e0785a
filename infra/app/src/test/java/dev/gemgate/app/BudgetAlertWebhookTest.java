package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gemgate.adapter.persistence.PostgresAuditLog;
import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.alert.WebhookSignature;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.Tenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A tenant's daily budget spent across 50% and 100% through the Gemini surface, with the alert webhook pointed at a
 * local receiver that answers each event's first attempt 503 and its second 200: one delivery per threshold, delivered
 * on the second attempt (after the backoff), signed with the secret; the audit events and the metric are there; the
 * deliveries API shows both DELIVERED after 2 attempts, pages with a cursor, and refuses bad parameters. Slices of half
 * the limit make the ledger's leased total cross 50% on the first lease and 100% on the second.
 */
@QuarkusTest
@TestProfile(BudgetAlertWebhookTest.Webhook.class)
@WithTestResource(GatewayTestResources.class)
class BudgetAlertWebhookTest {
    private static final String SECRET = "test-webhook-secret-0123456789";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100}}";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String DELIVERIES = "/admin/api/v1/alert-deliveries";
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);

    /** One POST the receiver got. */
    record Received(Instant at, String eventId, String timestamp, String signature, String body, int answered) {
    }

    /** The webhook receiver: each event's first attempt is answered 503, later ones 200. */
    static final class Receiver {
        static final List<Received> RECEIVED = Collections.synchronizedList(new ArrayList<>());
        private static final Map<String, Integer> ATTEMPTS = new ConcurrentHashMap<>();
        private static HttpServer server;

        static synchronized String url() {
            if (server == null) {
                try {
                    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                server.createContext("/hooks/budget", exchange -> {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    String eventId = exchange.getRequestHeaders().getFirst("X-Gemgate-Event-Id");
                    int attempt = ATTEMPTS.merge(String.valueOf(eventId), 1, Integer::sum);
                    int status = attempt == 1 ? 503 : 200;
                    RECEIVED.add(new Received(Instant.now(), eventId,
                            exchange.getRequestHeaders().getFirst("X-Gemgate-Timestamp"),
                            exchange.getRequestHeaders().getFirst("X-Gemgate-Signature"), body, status));
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
                server.start();
            }
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/budget";
        }
    }

    public static class Webhook implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("gemgate.budget.tenant.limit-usd", "0.002"),
                    Map.entry("gemgate.budget.tenant.period", "daily"),
                    Map.entry("gemgate.budget.tenant.alert-percents", "50,100"),
                    Map.entry("gemgate.budget.slices-per-limit", "2"),
                    Map.entry("gemgate.alerts.webhook.url", Receiver.url()),
                    Map.entry("gemgate.alerts.webhook.secret", SECRET),
                    Map.entry("gemgate.alerts.webhook.initial-backoff", INITIAL_BACKOFF.toMillis() + "ms"),
                    Map.entry("gemgate.alerts.webhook.max-backoff", "1s"),
                    Map.entry("gemgate.alerts.webhook.poll-interval", "50ms"),
                    Map.entry("gemgate.alerts.webhook.timeout", "5s"));
        }
    }

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    PostgresAuditLog audit;

    @Inject
    PrometheusMeterRegistry registry;

    private final ObjectMapper json = new ObjectMapper();

    private static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(user))
                .contentType(ContentType.JSON);
    }

    private static void await(String what, Duration deadline, BooleanSupplier condition) {
        Instant end = Instant.now().plus(deadline);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited %s for %s", deadline, what).isBefore(end);
            Thread.onSpinWait();
            try {
                Thread.sleep(20); // polling interval only: the condition decides, never the time slept
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private double alerts(String percent) {
        Counter counter = registry.find("gemgate.budget.alerts").tags("scope", "TENANT", "percent", percent).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Received> receivedFor(Tenant tenant) {
        synchronized (Receiver.RECEIVED) {
            return Receiver.RECEIVED.stream().filter(r -> r.body().contains(tenant.id().toString())).toList();
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void eachThresholdCrossedIsAuditedCountedAndDeliveredOnceSignedRetriedAfterA503AndListed() {
        double fiftyBefore = alerts("50");
        double hundredBefore = alerts("100");
        Tenant tenant = createTenant.execute(new CreateTenant.Command("alerted-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "alert test")).secret().reveal();
        Instant start = Instant.now();

        int status = 200;
        int requests = 0;
        for (; requests < 1000 && status == 200; requests++) {
            status = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                    .statusCode();
        }
        assertThat(status).as("the budget runs out (after %d requests)", requests).isEqualTo(429);

        // the webhook: two events (50 and 100), each tried twice, the second answered 200
        await("both alerts delivered", Duration.ofSeconds(30),
                () -> receivedFor(tenant).stream().filter(r -> r.answered() == 200).count() >= 2);
        List<Received> received = receivedFor(tenant);
        Map<String, List<Received>> byEvent = received.stream()
                .collect(Collectors.groupingBy(Received::eventId));
        assertThat(byEvent).as("one delivery per threshold").hasSize(2);
        WebhookSignature signature = new WebhookSignature(SECRET);
        Map<Integer, String> eventByPercent = new java.util.HashMap<>();
        for (List<Received> attempts : byEvent.values()) {
            assertThat(attempts).extracting(Received::answered).containsExactly(503, 200);
            assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                    .as("the retry waits at least half the initial backoff (equal jitter)")
                    .isGreaterThanOrEqualTo(INITIAL_BACKOFF.dividedBy(2));
            for (Received r : attempts) {
                assertThat(signature.verifies(Long.parseLong(r.timestamp()), r.body(), r.signature()))
                        .as("signature of %s", r.body()).isTrue();
                assertThat(Math.abs(Long.parseLong(r.timestamp()) - r.at().getEpochSecond())).isLessThanOrEqualTo(5);
                assertThat(r.body()).doesNotContain(SECRET);
            }
            assertThat(attempts.get(1).body()).as("the same body on every attempt").isEqualTo(attempts.get(0).body());
            JsonNode payload = parse(attempts.get(0).body());
            assertThat(payload.get("id").asText()).isEqualTo(attempts.get(0).eventId());
            assertThat(payload.get("type").asText()).isEqualTo("budget.threshold_crossed");
            assertThat(payload.get("tenantId").asText()).isEqualTo(tenant.id().toString());
            assertThat(payload.at("/budget/scope").asText()).isEqualTo("TENANT");
            assertThat(payload.at("/budget/period").asText()).isEqualTo("DAILY");
            assertThat(payload.at("/budget/name").asText()).isEqualTo("daily tenant budget");
            assertThat(payload.get("accountKey").asText()).startsWith("budget:tenant:" + tenant.id() + ":daily:");
            assertThat(payload.get("limitUsd").asText()).isEqualTo("0.002000");
            assertThat(Instant.parse(payload.get("occurredAt").asText())).isAfterOrEqualTo(start.minusSeconds(1));
            eventByPercent.put(payload.get("percent").asInt(), payload.get("id").asText());
            assertThat(payload.get("committedUsd").asText())
                    .isEqualTo(payload.get("percent").asInt() == 50 ? "0.001000" : "0.002000");
        }
        assertThat(eventByPercent).containsOnlyKeys(50, 100);

        // the audit events, with the same ids
        audit.flush();
        List<AuditEvent> events = audit.query(new AuditQuery(Optional.of(tenant.id()),
                Optional.of(AuditEventType.BUDGET_THRESHOLD_CROSSED), start.minus(1, ChronoUnit.MINUTES),
                Instant.now().plus(1, ChronoUnit.MINUTES), 100));
        assertThat(events).extracting(e -> e.id().toString())
                .containsExactlyInAnyOrderElementsOf(eventByPercent.values());
        assertThat(events).extracting(AuditEvent::detail).anySatisfy(d -> assertThat(d)
                .contains("daily tenant budget crossed 50%").contains("0.001000 of 0.002000 USD"));
        assertThat(events).extracting(AuditEvent::detail).anySatisfy(d -> assertThat(d)
                .contains("crossed 100%").contains("0.002000 of 0.002000 USD"));
        assertThat(events).allSatisfy(e -> assertThat(e.cost().isZero()).as("an alert charges nothing").isTrue());

        // the metric
        assertThat(alerts("50") - fiftyBefore).isEqualTo(1.0);
        assertThat(alerts("100") - hundredBefore).isEqualTo(1.0);

        // the deliveries API (recorded just after the receiver answered)
        await("both deliveries recorded DELIVERED", Duration.ofSeconds(10), () -> as(KeycloakTokens.VIEWER)
                .queryParam("tenant", tenant.id().toString()).queryParam("status", "DELIVERED")
                .get(DELIVERIES).then().statusCode(200).extract().jsonPath().getList("deliveries").size() == 2);
        JsonPath first = as(KeycloakTokens.VIEWER).queryParam("tenant", tenant.id().toString())
                .queryParam("limit", "1").get(DELIVERIES).then().statusCode(200)
                .body("deliveries[0].status", equalTo("DELIVERED"))
                .body("deliveries[0].attempts", equalTo(2))
                .body("deliveries[0].lastStatusCode", equalTo(200))
                .body("deliveries[0].tenantId", equalTo(tenant.id().toString()))
                .body("deliveries[0].payload.type", equalTo("budget.threshold_crossed"))
                .body("deliveries[0].payload.percent", equalTo(100))
                .extract().jsonPath();
        String cursor = first.getString("nextCursor");
        assertThat(cursor).isNotBlank();
        String second = as(KeycloakTokens.ADMIN).queryParam("tenant", tenant.id().toString())
                .queryParam("limit", "1").queryParam("cursor", cursor).get(DELIVERIES).then().statusCode(200)
                .body("deliveries[0].payload.percent", equalTo(50))
                .body("deliveries[0].attempts", equalTo(2))
                .body("deliveries[0].deliveredAt", org.hamcrest.Matchers.notNullValue())
                .body("nextCursor", org.hamcrest.Matchers.nullValue())
                .extract().asString();
        assertThat(second).doesNotContain(SECRET).doesNotContain("/hooks/budget");
        assertThat(Set.of(first.getString("deliveries[0].id"))).isSubsetOf(eventByPercent.values());
    }

    @Test
    void badParametersAreProblemsNamingThem() {
        for (var bad : List.of(Map.of("tenant", "not-a-uuid"), Map.of("status", "LOST"), Map.of("limit", "0"),
                Map.of("limit", "x"), Map.of("limit", "501"), Map.of("cursor", "%%%"))) {
            String field = bad.keySet().iterator().next();
            as(KeycloakTokens.ADMIN).queryParams(bad).get(DELIVERIES).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", equalTo(field));
        }
        as(KeycloakTokens.NO_ROLE).get(DELIVERIES).then().statusCode(403);
        given().get(DELIVERIES).then().statusCode(401);
    }
}
