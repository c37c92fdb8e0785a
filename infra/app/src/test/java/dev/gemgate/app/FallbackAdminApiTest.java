package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicySource;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * Fallback policies through the admin API (real Keycloak tokens), on the boot of {@link BudgetAdminApiTest} (one
 * configured chain: gemini-3.1-pro-preview -> gemini-3.6-flash, gemini-2.5-flash; admin settings reread every 250 ms):
 * a tenant's own policy is in force at once, removing it restores the configured chain, every change is audited with
 * before and after, bad bodies are one 400 naming every bad field, viewers only read, and a row another replica wrote
 * is in force here within the refresh period.
 */
@QuarkusTest
@TestProfile(BudgetedGatewayTest.Budgets.class)
@WithTestResource(GatewayTestResources.class)
class FallbackAdminApiTest {
    private static final String TENANTS = "/admin/api/v1/tenants";
    private static final ModelId PRO = new ModelId("gemini-3.1-pro-preview");
    private static final ModelId FLASH = new ModelId("gemini-3.6-flash");
    private static final ModelId OLD_FLASH = new ModelId("gemini-2.5-flash");
    private static final ModelId LITE = new ModelId("gemini-2.5-flash-lite");

    @Inject
    FallbackPolicySource source;

    @Inject
    FallbackPolicyStore store;

    @Inject
    AuditLog auditLog;

    private static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(user))
                .contentType(ContentType.JSON);
    }

    private static String createTenant() {
        return as(KeycloakTokens.ADMIN).body("{\"name\":\"fallback-" + UUID.randomUUID() + "\"}").post(TENANTS)
                .then().statusCode(201).extract().path("id");
    }

    private List<AuditEvent> changes(String tenant) {
        return auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(tenant))),
                Optional.of(AuditEventType.FALLBACK_POLICY_CHANGED), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(1)), 100));
    }

    @Test
    void theSourceOfTheRequestPathIsTheStoredOneOverTheConfiguredChains() {
        assertThat(source).isInstanceOf(StoredFallbackPolicySource.class);
        assertThat(source.chainFor(new TenantId(UUID.randomUUID()), PRO)).containsExactly(FLASH, OLD_FLASH);
        assertThat(source.chainFor(new TenantId(UUID.randomUUID()), FLASH)).isEmpty();
    }

    @Test
    void aPolicyIsSetReadRemovedAuditedAndInForceAtOnce() {
        String tenant = createTenant();
        TenantId id = new TenantId(UUID.fromString(tenant));
        String policy = TENANTS + "/" + tenant + "/fallback-policy";

        as(KeycloakTokens.VIEWER).get(policy).then().statusCode(200)
                .body("stored", equalTo(false)).body("strict", equalTo(false)).body("chains", anEmptyMap())
                .body("configuredChains.'gemini-3.1-pro-preview'", contains("gemini-3.6-flash", "gemini-2.5-flash"));

        as(KeycloakTokens.ADMIN).body("{\"strict\":false,\"chains\":{\"gemini-3.1-pro-preview\":"
                        + "[\"gemini-2.5-flash-lite\"],\"models/gemini-3.6-flash\":[\"gemini-2.5-flash\"]}}")
                .put(policy).then().statusCode(200).body("stored", equalTo(true))
                .body("chains.'gemini-3.1-pro-preview'", contains("gemini-2.5-flash-lite"))
                .body("chains.'gemini-3.6-flash'", contains("gemini-2.5-flash"));
        assertThat(source.chainFor(id, PRO)).containsExactly(LITE);
        assertThat(source.chainFor(id, FLASH)).containsExactly(OLD_FLASH);
        as(KeycloakTokens.VIEWER).get(policy).then().statusCode(200).body("stored", equalTo(true))
                .body("chains.'gemini-3.1-pro-preview'", contains("gemini-2.5-flash-lite"));

        as(KeycloakTokens.ADMIN).body("{\"strict\":true}").put(policy).then().statusCode(200)
                .body("strict", equalTo(true)).body("chains", anEmptyMap());
        assertThat(source.chainFor(id, PRO)).isEmpty();

        as(KeycloakTokens.ADMIN).delete(policy).then().statusCode(204);
        assertThat(source.chainFor(id, PRO)).containsExactly(FLASH, OLD_FLASH);
        as(KeycloakTokens.ADMIN).get(policy).then().statusCode(200).body("stored", equalTo(false));
        as(KeycloakTokens.ADMIN).delete(policy).then().statusCode(204);

        List<AuditEvent> changes = changes(tenant);
        assertThat(changes).hasSize(3);
        assertThat(changes).allSatisfy(e -> assertThat(e.admin()).isPresent());
        assertThat(changes).anySatisfy(e -> {
            assertThat(e.admin().orElseThrow().before()).isEmpty();
            assertThat(e.admin().orElseThrow().after()).contains("{\"strict\":false,\"chains\":{"
                    + "\"gemini-3.1-pro-preview\":[\"gemini-2.5-flash-lite\"],"
                    + "\"gemini-3.6-flash\":[\"gemini-2.5-flash\"]}}");
        });
        assertThat(changes).anySatisfy(e -> {
            assertThat(e.admin().orElseThrow().before()).contains("{\"strict\":true,\"chains\":{}}");
            assertThat(e.admin().orElseThrow().after()).isEmpty();
        });
    }

    @Test
    void badBodiesAreOne400NamingEveryFieldAndUnpricedModelsAreRefused() {
        String tenant = createTenant();
        String policy = TENANTS + "/" + tenant + "/fallback-policy";
        as(KeycloakTokens.ADMIN).body("{\"strict\":\"yes\",\"mode\":1,\"chains\":{"
                        + "\"gemini-3.1-pro-preview\":[\"gemini-3.1-pro-preview\"],"
                        + "\"gemini-3.6-flash\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"Bad Model\":[],"
                        + "\"gemini-2.5-flash\":[\"ok\",\"Not ok\"]}}")
                .put(policy).then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItems("strict", "mode", "chains.gemini-3.1-pro-preview",
                        "chains.gemini-3.6-flash", "chains.Bad Model", "chains.gemini-2.5-flash[1]"));
        as(KeycloakTokens.ADMIN).body("{\"chains\":{\"gemini-3.1-pro-preview\":[\"gemini-9-unpriced\"]}}")
                .put(policy).then().statusCode(400)
                .body("errors[0].field", equalTo("chains.gemini-3.1-pro-preview"))
                .body("errors[0].message", containsString("models/gemini-9-unpriced has no price"));
        as(KeycloakTokens.ADMIN).body("not json").put(policy).then().statusCode(400)
                .body("errors[0].field", equalTo("body"));
        assertThat(store.find(new TenantId(UUID.fromString(tenant)))).isEmpty();
        assertThat(changes(tenant)).isEmpty();
    }

    @Test
    void viewersOnlyReadAndUnknownTenantsAreNotFound() {
        String tenant = createTenant();
        String policy = TENANTS + "/" + tenant + "/fallback-policy";
        as(KeycloakTokens.VIEWER).body("{\"strict\":true}").put(policy).then().statusCode(403);
        as(KeycloakTokens.VIEWER).delete(policy).then().statusCode(403);
        given().get(policy).then().statusCode(401);
        String unknown = TENANTS + "/" + UUID.randomUUID() + "/fallback-policy";
        as(KeycloakTokens.ADMIN).get(unknown).then().statusCode(404);
        as(KeycloakTokens.ADMIN).body("{}").put(unknown).then().statusCode(404);
        as(KeycloakTokens.ADMIN).delete(unknown).then().statusCode(404);
        assertThat(store.find(new TenantId(UUID.fromString(tenant)))).isEmpty();
    }

    @Test
    void aPolicyAnotherReplicaStoredIsInForceHereWithinTheRefreshPeriod() throws InterruptedException {
        TenantId id = new TenantId(UUID.fromString(createTenant()));
        store.save(id, new FallbackPolicy(false, Map.of(PRO, List.of(LITE))));
        long savedAt = System.nanoTime();
        while (!source.chainFor(id, PRO).equals(List.of(LITE))) {
            assertThat(Duration.ofNanos(System.nanoTime() - savedAt)).isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
        store.remove(id);
        long removedAt = System.nanoTime();
        while (!source.chainFor(id, PRO).equals(List.of(FLASH, OLD_FLASH))) {
            assertThat(Duration.ofNanos(System.nanoTime() - removedAt)).isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
    }
}
