package dev.gemgate.app.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.app.GatewayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.gemgate.app.oidc.KeycloakTokens.ADMIN;
import static dev.gemgate.app.oidc.KeycloakTokens.NO_ROLE;
import static dev.gemgate.app.oidc.KeycloakTokens.VIEWER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The admin API's bearer-token plumbing against a real Keycloak: who gets in, with which roles, and which tokens are
 * refused. The endpoint is {@link WhoAmIResource}, which exists only in the tests.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class AdminBearerTokenTest {
    private static final String WHOAMI = WhoAmIResource.PATH;

    @Test
    void anAdminIsLetInWithTheAdminRoleAsTheTokensSubjectAndName() {
        String token = KeycloakTokens.accessToken(ADMIN);

        given().auth().oauth2(token).get(WHOAMI).then()
                .statusCode(200)
                .body("subject", equalTo(KeycloakTokens.claims(token).path("sub").asText()))
                .body("name", equalTo("Alice Admin"))
                .body("issuer", equalTo(KeycloakServer.realmUrl(KeycloakTokens.REALM)))
                .body("roles", contains("gemgate-admin"));
    }

    @Test
    void aViewerIsLetInWithTheViewerRole() {
        given().auth().oauth2(KeycloakTokens.accessToken(VIEWER)).get(WHOAMI).then()
                .statusCode(200)
                .body("name", equalTo("Victor Viewer"))
                .body("roles", contains("gemgate-viewer"));
    }

    @Test
    void noTokenIsUnauthorizedWithABearerChallenge() {
        given().get(WHOAMI).then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void aValidTokenWithoutAGemgateRoleIsForbidden() {
        given().auth().oauth2(KeycloakTokens.accessToken(NO_ROLE)).get(WHOAMI).then().statusCode(403);
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        String expired = KeycloakTokens.expiredAccessToken(ADMIN);

        given().auth().oauth2(expired).get(WHOAMI).then().statusCode(401);
    }

    @Test
    void anAdminTokenFromAnotherRealmIsUnauthorized() {
        String foreign = KeycloakTokens.accessTokenFromOtherRealm(ADMIN);
        assertThat(roles(KeycloakTokens.claims(foreign).path("realm_access").path("roles")))
                .as("the other realm's alice has the admin role too: only the issuer differs")
                .containsExactly("gemgate-admin");

        given().auth().oauth2(foreign).get(WHOAMI).then().statusCode(401);
    }

    @Test
    void anAdminTokenIssuedForAnotherApplicationIsUnauthorized() {
        String token = KeycloakTokens.accessTokenForAnotherAudience(ADMIN);
        assertThat(KeycloakTokens.claims(token).path("aud").toString()).doesNotContain("gemgate-api");

        given().auth().oauth2(token).get(WHOAMI).then().statusCode(401);
    }

    @Test
    void aTamperedOrMalformedTokenIsUnauthorized() {
        String token = KeycloakTokens.accessToken(VIEWER);
        String[] parts = token.split("\\.");
        String promoted = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                KeycloakTokens.claims(token).toString().replace("gemgate-viewer", "gemgate-admin").getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        given().auth().oauth2(promoted).get(WHOAMI).then().statusCode(401);
        given().auth().oauth2("not-a-token").get(WHOAMI).then().statusCode(401);
    }

    @Test
    void aTokenThatCannotBeCheckedBecauseTheProviderIsUnreachableIs503NotAServerError() {
        given().auth().oauth2(KeycloakTokens.accessToken(ADMIN)).get(WhoAmIResource.UNREACHABLE_IDP_PATH).then()
                .statusCode(503)
                .header("Retry-After", "5")
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(503))
                .body("title", equalTo("Unavailable"))
                .body(not(containsString("eyJ")));
    }

    @Test
    void tokensCarryTheRealmRolesInAGroupsClaimToo() {
        JsonNode claims = KeycloakTokens.claims(KeycloakTokens.accessToken(ADMIN));

        assertThat(roles(claims.path("groups"))).containsExactly("gemgate-admin");
        assertThat(roles(claims.path("realm_access").path("roles"))).containsExactly("gemgate-admin");
        assertThat(claims.path("aud").asText()).isEqualTo(KeycloakTestResource.API_CLIENT_ID);
    }

    @Test
    void anAdminTokenIsNotATenantKey() {
        // tenant keys also come as "Authorization: Bearer": the tenant surface never hands them to OIDC, and an OIDC
        // token there is just an unknown key
        given().auth().oauth2(KeycloakTokens.accessToken(ADMIN)).contentType(ContentType.JSON)
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}")
                .post("/v1beta/models/gemini-2.5-flash:generateContent").then()
                .statusCode(401)
                .body("error.status", equalTo("UNAUTHENTICATED"));
    }

    private static List<String> roles(JsonNode array) {
        List<String> roles = new ArrayList<>();
        array.forEach(role -> roles.add(role.asText()));
        return roles;
    }
}
