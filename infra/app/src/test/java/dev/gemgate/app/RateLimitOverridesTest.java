package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Per-tenant and per-key rate-limit overrides through the admin API (a real Keycloak admin token), enforced at once by
 * the Gemini surface of the same boot as {@link RateLimitedGatewayTest} (defaults: 3 requests a minute per key, a
 * million tokens a minute and 1,000 requests a day per tenant): a tenant override tightens the tenant, a key override
 * replaces the key default for that key only, clearing restores the defaults, every change is audited, and bad values
 * are 400s naming the field.
 */
@QuarkusTest
@TestProfile(RateLimitedGatewayTest.Limits.class)
@WithTestResource(GatewayTestResources.class)
class RateLimitOverridesTest {
    private static final String TENANTS = "/admin/api/v1/tenants";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100}}";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String QUOTA_ID =
            "error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0].quotaId";

    @Inject
    AuditLog auditLog;

    @Inject
    RateLimitSource rateLimitSource;

    @Inject
    RateLimitOverrideStore store;

    @AfterEach
    void resetClock() {
        ShiftableClock.reset();
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private static String createTenant() {
        return admin().body("{\"name\":\"overrides-" + UUID.randomUUID() + "\"}").post(TENANTS).then()
                .statusCode(201).extract().path("id");
    }

    /** Issues a key; returns its id and secret. */
    private static String[] issueKey(String tenant) {
        Response issued = admin().body("{\"name\":\"app\"}").post(TENANTS + "/" + tenant + "/keys");
        issued.then().statusCode(201);
        return new String[] {issued.path("key.id"), issued.path("secret")};
    }

    private static Response generate(String secret) {
        return given().header("x-goog-api-key", secret).contentType(ContentType.JSON).body(HELLO).post(GENERATE);
    }

    private List<AuditEvent> audited(String tenant, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(tenant))), Optional.of(type),
                Instant.EPOCH, Instant.now().plus(Duration.ofDays(1)), 100));
    }

    @Test
    void theOverridingSourceServesTheLimits() {
        assertThat(rateLimitSource).isInstanceOf(OverridingRateLimitSource.class);
    }

    @Test
    void aTenantOverrideIsEnforcedAtOnceAndClearingItRestoresTheDefaults() {
        String tenant = createTenant();
        String limits = TENANTS + "/" + tenant + "/rate-limits";
        String[] first = issueKey(tenant);
        String[] second = issueKey(tenant);

        admin().get(limits).then().statusCode(200)
                .body("override.tenant.requestsPerMinute", nullValue())
                .body("effective.tenant.requestsPerMinute", nullValue())
                .body("effective.tenant.tokensPerMinute", equalTo(1_000_000))
                .body("effective.priority", equalTo("NORMAL"));

        admin().body("{\"tenant\":{\"requestsPerMinute\":2},\"tenantModel\":{\"concurrentRequests\":50},"
                        + "\"priority\":\"HIGH\"}").put(limits).then().statusCode(200)
                .body("tenantId", equalTo(tenant))
                .body("override.tenant.requestsPerMinute", equalTo(2))
                .body("override.tenant.tokensPerMinute", nullValue())
                .body("override.tenantModel.concurrentRequests", equalTo(50))
                .body("override.priority", equalTo("HIGH"))
                .body("effective.tenant.requestsPerMinute", equalTo(2))
                .body("effective.tenant.tokensPerMinute", equalTo(1_000_000))
                .body("effective.tenant.requestsPerDay", equalTo(1_000))
                .body("effective.tenantModel.concurrentRequests", equalTo(50))
                .body("effective.priority", equalTo("HIGH"));
        given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.VIEWER)).get(limits)
                .then().statusCode(200).body("override.tenant.requestsPerMinute", equalTo(2));

        generate(first[1]).then().statusCode(200).header("x-ratelimit-limit-requests", "2");
        generate(second[1]).then().statusCode(200);
        generate(first[1]).then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.matchesPattern("[0-9]+"))
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body(QUOTA_ID, equalTo("RequestsPerMinutePerTenant"));

        admin().delete(limits).then().statusCode(200)
                .body("override.tenant.requestsPerMinute", nullValue())
                .body("override.priority", nullValue())
                .body("effective.tenant.requestsPerMinute", nullValue())
                .body("effective.priority", equalTo("NORMAL"));
        // the tenant has no request limit again; the key's default of 3 a minute applies
        generate(first[1]).then().statusCode(200).header("x-ratelimit-limit-requests", "3");

        List<AuditEvent> changes = audited(tenant, AuditEventType.TENANT_RATE_LIMITS_CHANGED);
        assertThat(changes).hasSize(2).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo(KeycloakTokens.claims(KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                    .get("sub").asText());
            assertThat(e.admin().orElseThrow().target()).isEqualTo("tenant:" + tenant);
        });
        assertThat(changes).anySatisfy(e -> {
            assertThat(e.admin().orElseThrow().before().orElseThrow()).contains("\"requestsPerMinute\":null");
            assertThat(e.admin().orElseThrow().after().orElseThrow()).contains("\"requestsPerMinute\":2")
                    .contains("\"priority\":\"HIGH\"");
        });
        assertThat(changes).anySatisfy(e -> {
            assertThat(e.admin().orElseThrow().before().orElseThrow()).contains("\"requestsPerMinute\":2");
            assertThat(e.admin().orElseThrow().after().orElseThrow()).doesNotContain("HIGH");
        });
    }

    @Test
    void aChangeWrittenByAnotherReplicaIsInForceHereWithinTheRefreshPeriod() throws InterruptedException {
        String tenant = createTenant();
        String[] key = issueKey(tenant);
        TenantId id = new TenantId(UUID.fromString(tenant));
        // another replica's change: in the shared database, not through this instance's admin API
        store.save(new TenantRateLimitOverride(id, new LimitOverrides(OptionalLong.of(1), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty()), LimitOverrides.NONE, Optional.empty()));

        long changedAt = System.nanoTime();
        while (rateLimitSource.tenant(id).requestsPerMinute().isEmpty()) {
            assertThat(Duration.ofNanos(System.nanoTime() - changedAt))
                    .as("in force within the refresh period (250 ms here) and a margin")
                    .isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
        generate(key[1]).then().statusCode(200).header("x-ratelimit-limit-requests", "1");
        generate(key[1]).then().statusCode(429).body(QUOTA_ID, equalTo("RequestsPerMinutePerTenant"));

        store.clearTenant(id);
        changedAt = System.nanoTime();
        while (rateLimitSource.tenant(id).requestsPerMinute().isPresent()) {
            assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
    }

    @Test
    void aKeyOverrideReplacesTheKeyDefaultForThatKeyOnlyUntilCleared() {
        String tenant = createTenant();
        String[] raised = issueKey(tenant);
        String[] other = issueKey(tenant);
        String limits = TENANTS + "/" + tenant + "/keys/" + raised[0] + "/rate-limits";

        admin().body("{\"requestsPerMinute\":5,\"requestsPerDay\":null}").put(limits).then().statusCode(200)
                .body("keyId", equalTo(raised[0]))
                .body("override.requestsPerMinute", equalTo(5))
                .body("override.requestsPerDay", nullValue())
                .body("effective.requestsPerMinute", equalTo(5));

        for (int i = 0; i < 5; i++) {
            generate(raised[1]).then().statusCode(200).header("x-ratelimit-limit-requests", "5");
        }
        generate(raised[1]).then().statusCode(429).body(QUOTA_ID, equalTo("RequestsPerMinutePerApiKey"));
        for (int i = 0; i < 3; i++) {
            generate(other[1]).then().statusCode(200).header("x-ratelimit-limit-requests", "3");
        }
        generate(other[1]).then().statusCode(429).body(QUOTA_ID, equalTo("RequestsPerMinutePerApiKey"));

        admin().delete(limits).then().statusCode(200)
                .body("override.requestsPerMinute", nullValue())
                .body("effective.requestsPerMinute", equalTo(3));
        admin().delete(limits).then().statusCode(200); // clearing twice is harmless
        ShiftableClock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            generate(raised[1]).then().statusCode(200).header("x-ratelimit-limit-requests", "3");
        }
        generate(raised[1]).then().statusCode(429);

        List<AuditEvent> changes = audited(tenant, AuditEventType.API_KEY_RATE_LIMITS_CHANGED);
        assertThat(changes).as("a set and one clear; the second clear changed nothing").hasSize(2)
                .allSatisfy(e -> {
                    assertThat(e.apiKey().orElseThrow().toString()).isEqualTo(raised[0]);
                    assertThat(e.admin().orElseThrow().target()).isEqualTo("api-key:" + raised[0]);
                    assertThat(e.toString()).doesNotContain(raised[1]);
                });
    }

    @Test
    void badValuesAreProblemDetailsNamingTheFieldAndChangeNothing() {
        String tenant = createTenant();
        String[] key = issueKey(tenant);
        String limits = TENANTS + "/" + tenant + "/rate-limits";
        String keyLimits = TENANTS + "/" + tenant + "/keys/" + key[0] + "/rate-limits";

        badRequest(limits, "{\"tenant\":{\"requestsPerMinute\":0}}", "tenant.requestsPerMinute");
        badRequest(limits, "{\"tenant\":{\"requestsPerMinute\":-1}}", "tenant.requestsPerMinute");
        badRequest(limits, "{\"tenantModel\":{\"tokensPerMinute\":100000000001}}", "tenantModel.tokensPerMinute");
        badRequest(limits, "{\"tenant\":{\"requestsPerDay\":99999999999999999999999}}", "tenant.requestsPerDay");
        badRequest(limits, "{\"tenant\":{\"requestsPerMinute\":2.5}}", "tenant.requestsPerMinute");
        badRequest(limits, "{\"tenant\":{\"requestsPerMinute\":\"5\"}}", "tenant.requestsPerMinute");
        badRequest(limits, "{\"tenant\":{\"rpm\":5}}", "tenant.rpm");
        badRequest(limits, "{\"tenant\":5}", "tenant");
        badRequest(limits, "{\"limits\":{}}", "limits");
        badRequest(limits, "{\"priority\":\"URGENT\"}", "priority");
        badRequest(limits, "{\"tenant\":{", "body");
        badRequest(limits, "[2]", "body");
        badRequest(keyLimits, "{\"concurrentRequests\":0}", "concurrentRequests");
        badRequest(keyLimits, "{\"requestsPerMinute\":true}", "requestsPerMinute");
        badRequest(keyLimits, "{\"priority\":\"HIGH\"}", "priority");
        admin().body("{\"tenant\":{\"requestsPerMinute\":0,\"tokensPerMinute\":-3}}").put(limits).then()
                .statusCode(400).body("errors.size()", equalTo(2))
                .body("errors[1].field", equalTo("tenant.tokensPerMinute"))
                .body("errors[1].message", containsString("from 1 to 100000000000"));

        admin().get(limits).then().statusCode(200).body("override.tenant.requestsPerMinute", nullValue());
        admin().get(keyLimits).then().statusCode(200).body("override.concurrentRequests", nullValue());
        assertThat(audited(tenant, AuditEventType.TENANT_RATE_LIMITS_CHANGED)).isEmpty();
        assertThat(audited(tenant, AuditEventType.API_KEY_RATE_LIMITS_CHANGED)).isEmpty();

        admin().body("{}").put(TENANTS + "/" + UUID.randomUUID() + "/rate-limits").then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        admin().get(TENANTS + "/" + tenant + "/keys/" + UUID.randomUUID() + "/rate-limits").then().statusCode(404);
        given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.VIEWER))
                .contentType(ContentType.JSON).body("{\"tenant\":{\"requestsPerMinute\":2}}").put(limits)
                .then().statusCode(403);
    }

    private static void badRequest(String path, String body, String field) {
        admin().body(body).put(path).then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("errors[0].field", equalTo(field));
    }
}
