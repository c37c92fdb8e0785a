package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The admin portal's read side over HTTP with real Keycloak tokens, after real calls through the Gemini surface: the
 * dashboard counts them (requests, errors, spend) and says the upstream is the emulator; the audit log pages through a
 * tenant's events in the log's order, filters by the admin who acted, and exports the same events as CSV without the
 * key's secret; bad parameters are problem details naming them; a token without a role is refused.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalReadsApiTest {
    private static final String DASHBOARD = "/admin/api/v1/dashboard";
    private static final String AUDIT = "/admin/api/v1/audit";
    private static final String TENANTS = "/admin/api/v1/tenants";

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(KeycloakTokens.accessToken(user)).contentType(ContentType.JSON);
    }

    private static String body(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":50}}";
    }

    private static int generate(String key, String model) {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(body("dashboard " + UUID.randomUUID())).post("/v1beta/models/" + model + ":generateContent")
                .statusCode();
    }

    /** Every event of the tenant, newest first, after the audit writer has written what it holds. */
    private List<AuditEvent> events(String tenant) {
        return auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(tenant))), Optional.empty(),
                Instant.EPOCH, Instant.now().plusSeconds(60), 1000));
    }

    private static JsonPath dashboard() {
        return as(KeycloakTokens.VIEWER).get(DASHBOARD).then().statusCode(200).contentType(ContentType.JSON)
                .extract().jsonPath();
    }

    private static String createTenant() {
        return as(KeycloakTokens.ADMIN).body("{\"name\":\"portal-" + UUID.randomUUID() + "\"}").post(TENANTS)
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void theDashboardCountsTodaysCallsErrorsAndSpendAndSaysTheUpstreamIsTheEmulator() {
        String tenant = createTenant();
        String key = issueApiKey.execute(new IssueApiKey.Command(new TenantId(UUID.fromString(tenant)), "k"))
                .secret().reveal();
        events(tenant); // anything other tests left queued is written before the first reading
        JsonPath before = dashboard();

        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(200);
        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(200);
        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(200);
        assertThat(generate(key, "no-such-model")).isEqualTo(404);
        Money spent = events(tenant).stream().map(AuditEvent::cost).reduce(Money.ZERO, Money::plus);
        JsonPath after = dashboard();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(after.getString("zone")).isEqualTo("UTC");
        assertThat(after.getString("today.from")).isEqualTo(today);
        assertThat(after.getString("month.from")).isEqualTo(today.substring(0, 8) + "01");
        for (String period : List.of("today", "month")) {
            assertThat(after.getLong(period + ".requests") - before.getLong(period + ".requests")).isEqualTo(4);
            assertThat(after.getLong(period + ".errors") - before.getLong(period + ".errors")).isEqualTo(1);
            assertThat(new BigDecimal(after.getString(period + ".costUsd"))
                    .subtract(new BigDecimal(before.getString(period + ".costUsd")))).isEqualTo(spent.toDollars());
            assertThat(after.getFloat(period + ".latencyP50Ms")).isPositive();
            assertThat(after.getFloat(period + ".latencyP99Ms"))
                    .isGreaterThanOrEqualTo(after.getFloat(period + ".latencyP50Ms"));
            assertThat(after.getDouble(period + ".errorRate")).isBetween(0.0, 1.0);
        }
        assertThat(spent.isZero()).isFalse();
        List<Map<String, Object>> top = after.getList("topTenants");
        assertThat(top).hasSizeLessThanOrEqualTo(5);
        List<Money> costs = top.stream().map(t -> Money.ofDollars((String) t.get("costUsd"))).toList();
        assertThat(costs).isSortedAccordingTo((a, b) -> b.compareTo(a));
        top.stream().filter(t -> tenant.equals(t.get("tenantId"))).findFirst().ifPresentOrElse(
                mine -> assertThat(mine.get("requests")).isEqualTo(4),
                () -> assertThat(costs).as("every top tenant spent at least as much as this one")
                        .allSatisfy(c -> assertThat(c.compareTo(spent)).isGreaterThanOrEqualTo(0)));
        assertThat(after.getBoolean("upstream.emulated")).isTrue();
        assertThat(after.getString("upstream.description")).startsWith("Gemini emulator");
        assertThat(after.getBoolean("upstream.canServe")).isTrue();
        assertThat(after.getList("upstream.credentials")).isNotEmpty();
        assertThat(after.getString("upstream.credentials[0].status")).isNotBlank();
    }

    @Test
    void theAuditLogPagesThroughATenantsEventsInOrderAndTheCsvHasTheSameEventsWithoutTheSecret() {
        String tenant = createTenant();
        String key = issueApiKey.execute(new IssueApiKey.Command(new TenantId(UUID.fromString(tenant)), "k"))
                .secret().reveal();
        as(KeycloakTokens.ADMIN).body("{\"displayName\":\"Portal, \\\"quoted\\\"\"}").patch(TENANTS + "/" + tenant)
                .then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(200);
        }
        List<String> expected = events(tenant).stream().map(e -> e.id().toString()).toList();
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5);

        List<String> paged = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            RequestSpecification request = as(KeycloakTokens.VIEWER).queryParam("tenant", tenant)
                    .queryParam("pageSize", 2);
            if (token != null) {
                request = request.queryParam("pageToken", token);
            }
            JsonPath page = request.get(AUDIT).then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("events.id", String.class));
            token = page.getString("nextPageToken");
            pages++;
        } while (token != null);
        assertThat(paged).isEqualTo(expected);
        assertThat(pages).isEqualTo((expected.size() + 1) / 2);

        Response csv = as(KeycloakTokens.VIEWER).queryParam("tenant", tenant).get(AUDIT + ".csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).contains("attachment");
        String text = csv.asString();
        assertThat(text).doesNotContain(key).endsWith("\r\n");
        assertThat(text).startsWith("id,occurredAt,type,outcome,tenantId,actor,actorName,");
        assertThat(text).as("the new display name in the after state, quotes doubled").contains("\\\"\"quoted\\\"\"");
        List<String> csvIds = text.lines().skip(1).filter(l -> l.matches("^[0-9a-f]{8}-.*"))
                .map(l -> l.substring(0, 36)).toList();
        assertThat(csvIds).isEqualTo(expected);
    }

    @Test
    void theAuditLogFiltersByTheAdminWhoActedAndByType() {
        String tenant = createTenant();
        JsonPath created = as(KeycloakTokens.VIEWER).queryParam("tenant", tenant).queryParam("type", "TENANT_CREATED")
                .get(AUDIT).then().statusCode(200).extract().jsonPath();
        assertThat(created.getList("events")).hasSize(1);
        String actor = created.getString("events[0].actor");
        assertThat(created.getString("events[0].actorName")).isEqualTo("Alice Admin");

        JsonPath byActor = as(KeycloakTokens.VIEWER).queryParam("actor", actor).queryParam("pageSize", 500)
                .queryParam("from", LocalDate.now(ZoneOffset.UTC).minusDays(1).toString()).get(AUDIT).then()
                .statusCode(200).extract().jsonPath();
        assertThat(byActor.getList("events.actor", String.class)).isNotEmpty().containsOnly(actor);
        assertThat(byActor.getList("events.actorName", String.class)).doesNotContainNull();
        assertThat(byActor.getList("events.id", String.class)).contains(created.getString("events[0].id"));
    }

    @Test
    void badParametersAreProblemsNamingThemAndAReaderNeedsARole() {
        as(KeycloakTokens.VIEWER).queryParam("type", "NOPE").get(AUDIT).then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("errors[0].field", equalTo("type"));
        as(KeycloakTokens.VIEWER).queryParam("tenant", "acme").get(AUDIT).then().statusCode(400)
                .body("errors[0].field", equalTo("tenant"));
        as(KeycloakTokens.VIEWER).queryParam("pageSize", "9999").get(AUDIT).then().statusCode(400)
                .body("errors[0].field", equalTo("pageSize"));
        as(KeycloakTokens.VIEWER).queryParam("pageToken", "garbage").get(AUDIT).then().statusCode(400)
                .body("errors[0].field", equalTo("pageToken"));
        as(KeycloakTokens.VIEWER).queryParam("from", "yesterday").get(AUDIT + ".csv").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("errors[0].field", equalTo("from"));
        given().get(DASHBOARD).then().statusCode(401);
        as(KeycloakTokens.NO_ROLE).get(DASHBOARD).then().statusCode(403);
        as(KeycloakTokens.NO_ROLE).get(AUDIT).then().statusCode(403);
        as(KeycloakTokens.NO_ROLE).get(AUDIT + ".csv").then().statusCode(403);
        as(KeycloakTokens.ADMIN).get(DASHBOARD).then().statusCode(200);
    }
}
