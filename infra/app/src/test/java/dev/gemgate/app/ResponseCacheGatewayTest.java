package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 17's response cache end to end over HTTP on the Gemini surface, against the emulator (whose request log counts
 * the upstream calls) and real PostgreSQL: the {@code x-gemgate-cache} header for hits, misses and bypasses, tenant
 * isolation, 50 identical concurrent requests coalesced into one upstream call, hits that cost nothing and show as
 * saved in the usage API and the metrics, streams served from and stored into the cache, and the admin cache-policy
 * API. The test profile caches no tenant by default ({@code gemgate.cache.default-ttl=0s}): each test gives its own
 * tenants a policy through the admin API. Its model, gemini-2.5-pro, is fault-injected by no other test.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class ResponseCacheGatewayTest {
    private static final String MODEL = "gemini-2.5-pro";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";
    private static final String TENANTS = "/admin/api/v1/tenants/";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String CACHE = "x-gemgate-cache";
    private static final String COST = "x-gemgate-cost-usd";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    @Inject
    MeterRegistry registry;

    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private final List<Tenant> created = new ArrayList<>();

    private record Caller(Tenant tenant, String key) {
    }

    @BeforeEach
    void clearFaults() {
        emulator.faults().forModel(MODEL).clear();
    }

    @AfterEach
    void clearState() {
        emulator.faults().forModel(MODEL).clear();
        for (Tenant tenant : created) {
            admin().delete(TENANTS + tenant.id() + "/cache-policy").then().statusCode(204);
        }
    }

    private Caller cachedTenant(long ttlSeconds) {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("cache-" + UUID.randomUUID()));
        created.add(tenant);
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "cache test")).secret().reveal();
        if (ttlSeconds > 0) {
            admin().contentType(ContentType.JSON).body("{\"ttlSeconds\":" + ttlSeconds + "}")
                    .put(TENANTS + tenant.id() + "/cache-policy").then().statusCode(200);
        }
        return new Caller(tenant, key);
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", BOOTSTRAP);
    }

    private static String body(String text, String temperature) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":64" + (temperature == null ? "" : ",\"temperature\":"
                + temperature) + "}}";
    }

    private static Response generate(Caller caller, String body, String cacheControl) {
        RequestSpecification request = given().header("x-goog-api-key", caller.key()).contentType(ContentType.JSON)
                .body(body);
        if (cacheControl != null) {
            request = request.header("Cache-Control", cacheControl);
        }
        Response response = request.post(GENERATE);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    /** Upstream calls the emulator received for prompts holding {@code nonce}. */
    private long upstreamCalls(String nonce) {
        return emulator.recordedRequests().stream().filter(r -> r.path().contains(MODEL))
                .filter(r -> r.body().contains(nonce)).count();
    }

    private List<AuditEvent> requestEvents(Tenant tenant) {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.empty(), Instant.EPOCH,
                Instant.now().plusSeconds(60), 1000)).stream()
                .filter(e -> e.type() == AuditEventType.GENERATE_CONTENT
                        || e.type() == AuditEventType.STREAM_GENERATE_CONTENT).toList();
    }

    @Test
    void theHeaderSaysMissThenHitAndBypassForNoCacheNoStoreAndNonDeterministicRequests() {
        Caller caller = cachedTenant(300);
        String nonce = UUID.randomUUID().toString();
        String deterministic = body("Cache this " + nonce, "0");

        Response miss = generate(caller, deterministic, null);
        assertThat(miss.header(CACHE)).isEqualTo("miss");
        Response hit = generate(caller, deterministic, null);
        assertThat(hit.header(CACHE)).isEqualTo("hit");
        assertThat(hit.header(COST)).isEqualTo("0.000000");
        assertThat(hit.jsonPath().getString("candidates[0].content.parts[0].text"))
                .isEqualTo(miss.jsonPath().getString("candidates[0].content.parts[0].text"))
                .contains("Cache this " + nonce);
        assertThat(upstreamCalls(nonce)).isEqualTo(1);

        assertThat(generate(caller, deterministic, "no-cache").header(CACHE)).isEqualTo("bypass");
        assertThat(upstreamCalls(nonce)).isEqualTo(2);
        assertThat(generate(caller, deterministic, "no-store").header(CACHE)).isEqualTo("bypass");
        assertThat(upstreamCalls(nonce)).isEqualTo(3);

        String warm = body("Do not cache " + nonce, null);
        assertThat(generate(caller, warm, null).header(CACHE)).isEqualTo("bypass");
        assertThat(generate(caller, warm, null).header(CACHE)).isEqualTo("bypass");
        assertThat(upstreamCalls(nonce)).isEqualTo(5);

        // no-store neither reads nor writes: a fresh request stored with no-store is a miss afterwards
        String unstored = body("Never stored " + nonce, "0");
        assertThat(generate(caller, unstored, "no-store").header(CACHE)).isEqualTo("bypass");
        assertThat(generate(caller, unstored, null).header(CACHE)).isEqualTo("miss");
    }

    @Test
    void tenantBNeverSeesTenantAsEntry() {
        Caller a = cachedTenant(300);
        Caller b = cachedTenant(300);
        String nonce = UUID.randomUUID().toString();
        String same = body("The same words " + nonce, "0");

        assertThat(generate(a, same, null).header(CACHE)).isEqualTo("miss");
        assertThat(generate(b, same, null).header(CACHE)).isEqualTo("miss");
        assertThat(upstreamCalls(nonce)).isEqualTo(2);
        assertThat(generate(a, same, null).header(CACHE)).isEqualTo("hit");
        assertThat(generate(b, same, null).header(CACHE)).isEqualTo("hit");
        assertThat(upstreamCalls(nonce)).isEqualTo(2);
    }

    @Test
    void fiftyIdenticalConcurrentRequestsMakeExactlyOneUpstreamCall() throws Exception {
        Caller caller = cachedTenant(300);
        String nonce = UUID.randomUUID().toString();
        String same = body("All at once " + nonce, "0");
        // the first call is slow, so the others arrive while it is in flight
        emulator.faults().forModel(MODEL).latency(1, Duration.ofSeconds(2));

        List<Future<HttpResponse<String>>> responses = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newBuilder().executor(threads).build();
            for (int i = 0; i < 50; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + GENERATE.substring(1)))
                        .header("x-goog-api-key", caller.key()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(same)).build();
                responses.add(threads.submit(() -> http.send(request, HttpResponse.BodyHandlers.ofString())));
            }
            List<String> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : responses) {
                HttpResponse<String> response = f.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.body()).contains("All at once " + nonce);
                statuses.add(response.headers().firstValue(CACHE).orElseThrow());
            }
            assertThat(statuses).filteredOn("miss"::equals).hasSize(1);
            assertThat(statuses).filteredOn("hit"::equals).hasSize(49);
        }
        assertThat(upstreamCalls(nonce)).isEqualTo(1);
        List<AuditEvent> events = requestEvents(caller.tenant());
        assertThat(events).filteredOn(e -> e.outcome() == Outcome.CACHE_HIT).hasSize(49)
                .allSatisfy(e -> assertThat(e.cost()).isEqualTo(Money.ZERO));
        assertThat(events).filteredOn(e -> e.outcome() == Outcome.SUCCESS).hasSize(1);
    }

    @Test
    void aHitCostsNothingAndShowsAsSavedInTheUsageApiAndTheMetrics() {
        Caller caller = cachedTenant(300);
        String nonce = UUID.randomUUID().toString();
        String request = body("What does a hit save " + nonce, "0");
        Response miss = generate(caller, request, null);
        generate(caller, request, null);
        generate(caller, request, null);

        List<AuditEvent> events = requestEvents(caller.tenant()); // also flushes the audit log
        AuditEvent paid = events.stream().filter(e -> e.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertThat(miss.header(COST)).isEqualTo(paid.cost().toDollars().toPlainString());
        assertThat(paid.cost().isZero()).isFalse();
        assertThat(events).filteredOn(e -> e.outcome() == Outcome.CACHE_HIT).hasSize(2).allSatisfy(e -> {
            assertThat(e.cost()).isEqualTo(Money.ZERO);
            assertThat(e.saved()).isEqualTo(paid.cost());
        });

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String range = "from=" + today.minusDays(1) + "&to=" + today.plusDays(1) + "&groupBy=model";
        JsonPath own = given().header("x-goog-api-key", caller.key()).get("/gemgate/v1/usage?" + range).then()
                .statusCode(200).extract().jsonPath();
        assertThat(own.getLong("total.requests")).isEqualTo(3);
        assertThat(own.getLong("total.cacheHits")).isEqualTo(2);
        assertThat(Money.ofDollars(own.getString("total.costUsd"))).isEqualTo(paid.cost());
        assertThat(Money.ofDollars(own.getString("total.savedUsd"))).isEqualTo(paid.cost().plus(paid.cost()));
        // the hits' tokens are not billed tokens
        assertThat(own.getLong("total.promptTokens")).isEqualTo(paid.usage().promptTokens());
        assertThat(own.getLong("total.outputTokens")).isEqualTo(paid.usage().candidatesTokens());
        JsonPath adminView = admin().get(TENANTS + caller.tenant().id() + "/usage?" + range).then().statusCode(200)
                .extract().jsonPath();
        assertThat(adminView.getMap("")).isEqualTo(own.getMap(""));

        Counter saved = registry.find("gemgate.cache.saved.usd").tag("tenant", caller.tenant().id().toString())
                .counter();
        assertThat(saved).isNotNull();
        assertThat(saved.count()).isCloseTo(paid.cost().plus(paid.cost()).toDollars().doubleValue(),
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aStreamedRequestIsServedFromTheCacheAsOneChunkAndAStoredStreamServesALaterCall() {
        Caller caller = cachedTenant(300);
        String nonce = UUID.randomUUID().toString();
        String stored = body("Unary first then streamed " + nonce, "0");
        String text = generate(caller, stored, null).jsonPath().getString("candidates[0].content.parts[0].text");

        Response hit = given().header("x-goog-api-key", caller.key()).contentType(ContentType.JSON).body(stored)
                .post(STREAM + "?alt=sse");
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.header(CACHE)).isEqualTo("hit");
        assertThat(hit.header("Content-Type")).startsWith("text/event-stream");
        List<String> events = dataEvents(hit.asString());
        assertThat(events).singleElement().satisfies(event -> {
            JsonPath chunk = JsonPath.from(event);
            assertThat(chunk.getString("candidates[0].content.parts[0].text")).isEqualTo(text);
            assertThat(chunk.getString("candidates[0].finishReason")).isEqualTo("STOP");
            assertThat(chunk.getMap("usageMetadata")).isNotEmpty();
        });
        assertThat(upstreamCalls(nonce)).isEqualTo(1);

        // a stream that completes is stored whole: a later unary call and a later stream hit it
        String streamedFirst = body("Streamed first then unary " + nonce, "0");
        Response streamed = given().header("x-goog-api-key", caller.key()).contentType(ContentType.JSON)
                .body(streamedFirst).post(STREAM + "?alt=sse");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.header(CACHE)).isEqualTo("miss");
        assertThat(dataEvents(streamed.asString())).hasSizeGreaterThan(1);
        Response unary = generate(caller, streamedFirst, null);
        assertThat(unary.header(CACHE)).isEqualTo("hit");
        assertThat(unary.jsonPath().getString("candidates[0].content.parts[0].text"))
                .contains("Streamed first then unary " + nonce);
        Response json = given().header("x-goog-api-key", caller.key()).contentType(ContentType.JSON)
                .body(streamedFirst).post(STREAM);
        assertThat(json.header(CACHE)).isEqualTo("hit");
        assertThat(json.jsonPath().getList("")).hasSize(1);
        assertThat(upstreamCalls(nonce)).isEqualTo(2);
        assertThat(requestEvents(caller.tenant())).filteredOn(e -> e.type() == AuditEventType.STREAM_GENERATE_CONTENT)
                .extracting(AuditEvent::outcome).containsExactlyInAnyOrder(Outcome.CACHE_HIT, Outcome.SUCCESS,
                        Outcome.CACHE_HIT);
    }

    private static List<String> dataEvents(String sse) {
        List<String> events = new ArrayList<>();
        for (String block : sse.split("\r\n\r\n")) {
            if (block.startsWith("data: ")) {
                events.add(block.substring("data: ".length()));
            }
        }
        return events;
    }

    @Test
    void theAdminCachePolicyApiShowsSetsAndRemovesATenantsPolicyAndAuditsIt() {
        Caller caller = cachedTenant(0);
        String path = TENANTS + caller.tenant().id() + "/cache-policy";
        admin().get(path).then().statusCode(200).body("stored", equalTo(false)).body("ttlSeconds", equalTo(0))
                .body("configured.ttlSeconds", equalTo(0)).body("configured.cacheNonDeterministic", equalTo(false));

        admin().contentType(ContentType.JSON).body("{\"ttlSeconds\":600,\"cacheNonDeterministic\":true}").put(path)
                .then().statusCode(200).body("stored", equalTo(true)).body("ttlSeconds", equalTo(600))
                .body("cacheNonDeterministic", equalTo(true));
        given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.VIEWER)).get(path)
                .then().statusCode(200).body("ttlSeconds", equalTo(600));
        // in force at once: a request without temperature is cached now that the tenant opted in
        String nonce = UUID.randomUUID().toString();
        assertThat(generate(caller, body("Opted in " + nonce, null), null).header(CACHE)).isEqualTo("miss");
        assertThat(generate(caller, body("Opted in " + nonce, null), null).header(CACHE)).isEqualTo("hit");

        List<AuditEvent> changes = auditLog.query(new AuditQuery(Optional.of(caller.tenant().id()),
                Optional.of(AuditEventType.CACHE_POLICY_CHANGED), Instant.EPOCH, Instant.now().plusSeconds(60), 10));
        assertThat(changes).singleElement().satisfies(e -> {
            assertThat(e.admin().orElseThrow().before()).isEmpty();
            assertThat(e.admin().orElseThrow().after()).hasValueSatisfying(after -> assertThat(after)
                    .contains("PT10M").contains("\"cacheNonDeterministic\":true"));
        });

        admin().contentType(ContentType.JSON).body("{\"ttlSeconds\":-1,\"cacheNonDeterministic\":\"yes\",\"x\":1}")
                .put(path).then().statusCode(400).body(containsString("ttlSeconds"))
                .body(containsString("cacheNonDeterministic")).body(containsString("\"x\""));
        admin().contentType(ContentType.JSON).body("{}").put(path).then().statusCode(400)
                .body(containsString("ttlSeconds"));
        given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.VIEWER))
                .contentType(ContentType.JSON).body("{\"ttlSeconds\":60}").put(path).then().statusCode(403);
        admin().contentType(ContentType.JSON).body("{\"ttlSeconds\":60}")
                .put(TENANTS + UUID.randomUUID() + "/cache-policy").then().statusCode(404);

        admin().delete(path).then().statusCode(204);
        admin().get(path).then().statusCode(200).body("stored", equalTo(false)).body("ttlSeconds", equalTo(0));
        assertThat(generate(caller, body("Opted in " + nonce, null), null).header(CACHE)).isEqualTo("bypass");
        assertThat(auditLog.query(new AuditQuery(Optional.of(caller.tenant().id()),
                Optional.of(AuditEventType.CACHE_POLICY_CHANGED), Instant.EPOCH, Instant.now().plusSeconds(60), 10)))
                .hasSize(2);
    }
}
