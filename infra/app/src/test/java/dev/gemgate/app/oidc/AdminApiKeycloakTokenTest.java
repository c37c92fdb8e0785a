package dev.gemgate.app.oidc;

import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.gemgate.app.oidc.KeycloakTokens.ADMIN;
import static dev.gemgate.app.oidc.KeycloakTokens.NO_ROLE;
import static dev.gemgate.app.oidc.KeycloakTokens.VIEWER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The admin API with real Keycloak tokens: the roles decide who may read and who may change, and the audit names the
 * token's subject and display name. (Every endpoint's behaviour is in AdminApiBootstrapTest.)
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class AdminApiKeycloakTokenTest {
    private static final String TENANTS = "/admin/api/v1/tenants";

    @Inject
    AuditLog auditLog;

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(KeycloakTokens.accessToken(user)).contentType(ContentType.JSON);
    }

    private static String createTenantAs(String user) {
        return as(user).body("{\"name\":\"keycloak-" + UUID.randomUUID() + "\"}").post(TENANTS)
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void anAdminsChangeIsAuditedWithTheTokensSubjectAndName() {
        String token = KeycloakTokens.accessToken(ADMIN);
        String id = createTenantAs(ADMIN);

        List<AuditEvent> events = auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(id))),
                Optional.of(AuditEventType.TENANT_CREATED), Instant.EPOCH, Instant.now().plusSeconds(60), 10));
        assertThat(events).singleElement().satisfies(created -> {
            assertThat(created.actor()).isEqualTo(KeycloakTokens.claims(token).path("sub").asText());
            assertThat(created.admin()).get().satisfies(admin -> assertThat(admin.actorName()).isEqualTo("Alice Admin"));
        });
    }

    @Test
    void aViewerReadsButChangesNothing() {
        String name = "keycloak-" + UUID.randomUUID();
        String id = as(ADMIN).body("{\"name\":\"" + name + "\"}").post(TENANTS)
                .then().statusCode(201).extract().path("id");

        as(VIEWER).get(TENANTS + "/" + id).then().statusCode(200).body("id", equalTo(id));
        // by name: other test classes of the same boot create tenants too, more than a page of them
        as(VIEWER).queryParam("search", name).get(TENANTS).then().statusCode(200).body("tenants.id", hasItem(id));
        as(VIEWER).get(TENANTS + "/" + id + "/keys").then().statusCode(200);
        as(VIEWER).body("{\"name\":\"viewer-" + UUID.randomUUID() + "\"}").post(TENANTS).then()
                .statusCode(403).contentType(startsWith("application/problem+json"));
        as(VIEWER).body("{\"displayName\":\"changed\"}").patch(TENANTS + "/" + id).then().statusCode(403);
        as(VIEWER).post(TENANTS + "/" + id + "/suspend").then().statusCode(403);
        as(VIEWER).body("{\"name\":\"ci\"}").post(TENANTS + "/" + id + "/keys").then().statusCode(403);
        as(VIEWER).delete(TENANTS + "/" + id).then().statusCode(403);

        as(ADMIN).get(TENANTS + "/" + id).then().statusCode(200).body("status", equalTo("ACTIVE"))
                .body("displayName", not(equalTo("changed")));
    }

    @Test
    void tokensWithoutARoleFromElsewhereOrExpiredAreRefused() {
        as(NO_ROLE).get(TENANTS).then().statusCode(403).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(KeycloakTokens.accessTokenFromOtherRealm(ADMIN)).get(TENANTS).then()
                .statusCode(401).header("WWW-Authenticate", startsWith("Bearer"))
                .contentType(startsWith("application/problem+json"));
        given().auth().oauth2(KeycloakTokens.accessTokenForAnotherAudience(ADMIN)).get(TENANTS).then()
                .statusCode(401);
        given().auth().oauth2(KeycloakTokens.expiredAccessToken(ADMIN)).get(TENANTS).then().statusCode(401);
    }
}
