package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiSurface;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.UpstreamGate;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URL;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 15's usage and cost end to end: {@code x-gemgate-cost-usd} on every Gemini response (the stream's in its
 * trailer, which the official Java SDK reads past), the end user on the audit events, and the tenant's and the admin's
 * usage reports adding up to exactly what the audit log charged.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class UsageAndCostTest {
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String COST = "x-gemgate-cost-usd";
    private static final String USAGE = "/gemgate/v1/usage";
    private static final Set<AuditEventType> REQUESTS = Set.of(AuditEventType.GENERATE_CONTENT,
            AuditEventType.STREAM_GENERATE_CONTENT, AuditEventType.COUNT_TOKENS, AuditEventType.LIST_MODELS,
            AuditEventType.EMBED_CONTENT);

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    @Inject
    UpstreamGate upstreamGate;

    private Tenant tenant;
    private String key1;
    private String key2;
    private final OkHttpClient okhttp = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();

    @BeforeEach
    void tenantWithTwoKeys() {
        GatewayTestResources.emulator().faults().clear();
        tenant = createTenant.execute(new CreateTenant.Command("usage-" + UUID.randomUUID()));
        key1 = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "one")).secret().reveal();
        key2 = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "two")).secret().reveal();
    }

    @AfterEach
    void clearFaults() {
        GatewayTestResources.emulator().faults().clear();
        upstreamGate.clear();
    }

    private static String body(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":200}}";
    }

    private static Response generate(String key, String endUser, String text) {
        var request = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body(text));
        if (endUser != null) {
            request = request.header("x-gemgate-user", endUser);
        }
        return request.post("/v1beta/models/gemini-2.5-flash:generateContent");
    }

    private List<AuditEvent> requestEvents(Tenant of) {
        return auditLog.query(new AuditQuery(Optional.of(of.id()), Optional.empty(), Instant.EPOCH,
                Instant.now().plusSeconds(60), 1000)).stream().filter(e -> REQUESTS.contains(e.type())).toList();
    }

    private AuditEvent eventOf(String requestId) {
        return requestEvents(tenant).stream().filter(e -> e.requestId().value().equals(requestId)).findFirst()
                .orElseThrow(() -> new AssertionError("no audit event for " + requestId));
    }

    private static Money usd(String text) {
        return Money.ofDollars(text);
    }

    private static String range() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
    }

    private static JsonPath usage(String key, String query) {
        return given().header("x-goog-api-key", key).get(USAGE + "?" + query).then().statusCode(200)
                .contentType(ContentType.JSON).extract().jsonPath();
    }

    private static Money sumOfCosts(JsonPath report) {
        List<String> costs = report.getList("rows.costUsd", String.class);
        return costs.stream().map(UsageAndCostTest::usd).reduce(Money.ZERO, Money::plus);
    }

    @Test
    void theCostHeaderIsTheAuditedCostAndZeroForFreeCallsAndErrors() {
        Response generated = generate(key1, "alice", "What does a gateway cost " + UUID.randomUUID());
        assertThat(generated.statusCode()).isEqualTo(200);
        AuditEvent event = eventOf(generated.header("x-gemgate-request-id"));
        assertThat(event.cost().isZero()).isFalse();
        assertThat(generated.header(COST)).isEqualTo(event.cost().toDollars().toPlainString());
        assertThat(new BigDecimal(generated.header(COST)).scale()).isEqualTo(6);
        assertThat(event.endUser()).contains("alice");

        Response counted = given().header("x-goog-api-key", key1).header("x-gemgate-user", "bob")
                .contentType(ContentType.JSON).body(body("count me"))
                .post("/v1beta/models/gemini-2.5-flash:countTokens");
        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(counted.header(COST)).isEqualTo("0.000000");
        assertThat(eventOf(counted.header("x-gemgate-request-id")).endUser()).contains("bob");

        Response models = given().header("x-goog-api-key", key1).get("/v1beta/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.header(COST)).isEqualTo("0.000000");

        Response unknownModel = given().header("x-goog-api-key", key1).contentType(ContentType.JSON)
                .body(body("hi")).post("/v1beta/models/no-such-model:generateContent");
        assertThat(unknownModel.statusCode()).isEqualTo(404);
        assertThat(unknownModel.header(COST)).isEqualTo("0.000000");
        Response noKey = given().contentType(ContentType.JSON).body(body("hi"))
                .post("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.header(COST)).isEqualTo("0.000000");
    }

    @Test
    void aStreamCarriesItsSettledCostInItsTrailerAndTheSdkStillReadsEveryChunk() throws Exception {
        String prompt = GeminiStreamingTest.LONG_PROMPT;
        int rawChunks;
        String requestId;
        String trailer;
        try (okhttp3.Response response = okhttp.newCall(new Request.Builder()
                .url(gateway + "v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
                .header("x-goog-api-key", key1).header("x-gemgate-user", "alice")
                .post(RequestBody.create(body(prompt), MediaType.get("application/json"))).build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Trailer")).isEqualTo(COST);
            assertThat(response.header(COST)).isNull(); // not known when the headers were sent
            String sse = response.body().string();
            rawChunks = sse.split("\r\n\r\n").length;
            assertThat(sse).endsWith("\r\n\r\n").doesNotContain(COST);
            requestId = response.header("x-gemgate-request-id");
            trailer = response.trailers().get(COST);
        }
        AuditEvent event = eventOf(requestId);
        assertThat(event.type()).isEqualTo(AuditEventType.STREAM_GENERATE_CONTENT);
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.cost().isZero()).isFalse();
        assertThat(trailer).isEqualTo(event.cost().toDollars().toPlainString());
        assertThat(event.endUser()).contains("alice");

        // the official SDK (OkHttp underneath) reads the same stream, trailer and all, to its last chunk
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (Client client = Client.builder().apiKey(key2).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build()).build()).build();
             ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream("gemini-2.5-flash",
                     prompt, GenerateContentConfig.builder().maxOutputTokens(200).build())) {
            for (GenerateContentResponse chunk : stream) {
                chunks.add(chunk);
            }
        }
        assertThat(rawChunks).isGreaterThan(1);
        assertThat(chunks).hasSize(rawChunks);
        assertThat(chunks.getLast().usageMetadata()).isPresent();
    }

    @Test
    void aStreamCutMidwayCarriesWhatItWasChargedAndTheJsonArrayFormToo() throws Exception {
        GatewayTestResources.emulator().faults().cutStreamAfter(1, 2);
        String requestId;
        String trailer;
        try (okhttp3.Response response = okhttp.newCall(new Request.Builder()
                .url(gateway + "v1beta/models/gemini-2.5-flash:streamGenerateContent")
                .header("x-goog-api-key", key1)
                .post(RequestBody.create(body(GeminiStreamingTest.LONG_PROMPT), MediaType.get("application/json")))
                .build()).execute()) {
            String array = response.body().string();
            assertThat(array).startsWith("[").endsWith("]").contains("\"error\"");
            requestId = response.header("x-gemgate-request-id");
            trailer = response.trailers().get(COST);
        }
        AuditEvent event = eventOf(requestId);
        assertThat(event.outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
        assertThat(event.cost().isZero()).isFalse();
        assertThat(trailer).isEqualTo(event.cost().toDollars().toPlainString());
    }

    @Test
    void theTenantsUsageAddsUpToItsAuditedCostsByModelKeyEndUserAndDay() {
        assertThat(generate(key1, "alice", "first " + UUID.randomUUID()).statusCode()).isEqualTo(200);
        assertThat(generate(key1, "alice", "second " + UUID.randomUUID()).statusCode()).isEqualTo(200);
        assertThat(generate(key2, null, "third " + UUID.randomUUID()).statusCode()).isEqualTo(200);
        assertThat(generate(key2, "bob", "fourth " + UUID.randomUUID()).statusCode()).isEqualTo(200);
        given().header("x-goog-api-key", key2).header("x-gemgate-user", "bob").contentType(ContentType.JSON)
                .body(body("count")).post("/v1beta/models/gemini-2.5-flash:countTokens").then().statusCode(200);
        Tenant other = createTenant.execute(new CreateTenant.Command("usage-other-" + UUID.randomUUID()));
        String otherKey = issueApiKey.execute(new IssueApiKey.Command(other.id(), "other")).secret().reveal();
        assertThat(generate(otherKey, "alice", "elsewhere " + UUID.randomUUID()).statusCode()).isEqualTo(200);

        List<AuditEvent> audited = requestEvents(tenant);
        assertThat(audited).hasSize(5);
        Money auditedCost = audited.stream().map(AuditEvent::cost).reduce(Money.ZERO, Money::plus);
        assertThat(auditedCost.isZero()).isFalse();

        for (String groupBy : List.of("model", "key", "endUser", "day")) {
            JsonPath report = usage(key1, range() + "&groupBy=" + groupBy);
            assertThat(report.getString("tenantId")).isEqualTo(tenant.id().toString());
            assertThat(report.getString("groupBy")).isEqualTo(groupBy);
            assertThat(usd(report.getString("total.costUsd"))).as(groupBy).isEqualTo(auditedCost);
            assertThat(report.getLong("total.requests")).isEqualTo(5);
            assertThat(sumOfCosts(report)).as(groupBy).isEqualTo(auditedCost);
            assertThat(report.getList("rows.requests", Long.class).stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(5);
            assertThat(report.getLong("total.promptTokens"))
                    .isEqualTo(audited.stream().mapToLong(e -> e.usage().promptTokens()).sum());
            assertThat(report.getLong("total.outputTokens"))
                    .isEqualTo(audited.stream().mapToLong(e -> e.usage().candidatesTokens()).sum());
        }

        JsonPath byKey = usage(key2, range() + "&groupBy=key");
        assertThat(byKey.getList("rows.apiKeyId", String.class)).containsExactlyInAnyOrderElementsOf(
                audited.stream().map(e -> e.apiKey().orElseThrow().toString()).distinct().toList());

        JsonPath byUser = usage(key1, range() + "&groupBy=endUser");
        List<Map<String, Object>> rows = byUser.getList("rows");
        assertThat(rows).hasSize(3);
        Map<String, Object> alice = rows.stream().filter(r -> "alice".equals(r.get("endUser"))).findFirst()
                .orElseThrow();
        assertThat(alice.get("requests")).isEqualTo(2);
        assertThat(usd((String) alice.get("costUsd"))).isEqualTo(audited.stream()
                .filter(e -> e.endUser().equals(Optional.of("alice"))).map(AuditEvent::cost)
                .reduce(Money.ZERO, Money::plus));
        Map<String, Object> bob = rows.stream().filter(r -> "bob".equals(r.get("endUser"))).findFirst().orElseThrow();
        assertThat(bob.get("requests")).isEqualTo(2);
        assertThat(rows.stream().filter(r -> r.get("endUser") == null).findFirst().orElseThrow().get("requests"))
                .isEqualTo(1);

        JsonPath byDay = usage(key1, "groupBy=day");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(byDay.getString("from")).isEqualTo(today.withDayOfMonth(1).toString());
        assertThat(byDay.getString("to")).isEqualTo(today.withDayOfMonth(today.lengthOfMonth()).toString());
        assertThat(byDay.getString("zone")).isEqualTo("UTC");

        // the other tenant sees its own request only, and none of this one's
        JsonPath others = usage(otherKey, range() + "&groupBy=endUser");
        assertThat(others.getString("tenantId")).isEqualTo(other.id().toString());
        assertThat(others.getLong("total.requests")).isEqualTo(1);
        assertThat(usd(others.getString("total.costUsd"))).isEqualTo(requestEvents(other).getFirst().cost());

        // the admin API answers the same figures
        for (String groupBy : List.of("model", "key", "endUser", "day")) {
            JsonPath tenantView = usage(key1, range() + "&groupBy=" + groupBy);
            JsonPath adminView = given().header("Authorization", BOOTSTRAP)
                    .get("/admin/api/v1/tenants/" + tenant.id() + "/usage?" + range() + "&groupBy=" + groupBy)
                    .then().statusCode(200).extract().jsonPath();
            assertThat(adminView.getMap("")).as(groupBy).isEqualTo(tenantView.getMap(""));
        }
    }

    @Test
    void badParametersAreRefusedInGeminisEnvelope() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<String, String> bad = Map.of(
                "from=" + today + "&to=" + today.minusDays(1), "from",
                "groupBy=week", "groupBy",
                "from=2025-01-01&to=2026-01-02", "366",
                "zone=Mars/Olympus_Mons", "zone",
                "from=yesterday", "from",
                "to=2026-02-30", "to");
        bad.forEach((query, named) -> given().header("x-goog-api-key", key1).get(USAGE + "?" + query).then()
                .statusCode(400).contentType(ContentType.JSON)
                .header(COST, "0.000000")
                .body("error.code", equalTo(400)).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", containsString(named)));

        given().get(USAGE).then().statusCode(401).body("error.status", equalTo("UNAUTHENTICATED"));
        given().header("x-goog-api-key", "AIza-not-a-key-" + UUID.randomUUID()).get(USAGE).then()
                .statusCode(401).body("error.code", equalTo(401));
        given().queryParam("key", key1).get(USAGE + "?groupBy=model").then().statusCode(200)
                .body("groupBy", equalTo("model"));

        // a key scoped to generation only cannot read the tenant's usage; with USAGE among its surfaces it can
        String generationOnly = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "gen", Optional.empty(),
                new KeyScopes(List.of(), Set.of(ApiSurface.GEMINI), List.of()), AdminActor.system("test")))
                .secret().reveal();
        given().header("x-goog-api-key", generationOnly).get(USAGE).then().statusCode(403)
                .body("error.status", equalTo("PERMISSION_DENIED"));
        String withUsage = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "usage", Optional.empty(),
                new KeyScopes(List.of(), Set.of(ApiSurface.GEMINI, ApiSurface.USAGE), List.of()),
                AdminActor.system("test"))).secret().reveal();
        given().header("x-goog-api-key", withUsage).get(USAGE).then().statusCode(200);

        given().header("Authorization", BOOTSTRAP).get("/admin/api/v1/tenants/" + tenant.id() + "/usage?groupBy=week")
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("groupBy"));
        given().header("Authorization", BOOTSTRAP).get("/admin/api/v1/tenants/" + UUID.randomUUID() + "/usage")
                .then().statusCode(404);
        given().get("/admin/api/v1/tenants/" + tenant.id() + "/usage").then().statusCode(401);
    }
}
