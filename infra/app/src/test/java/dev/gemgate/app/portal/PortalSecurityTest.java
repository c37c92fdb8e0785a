package dev.gemgate.app.portal;

import dev.gemgate.adapter.web.admin.AdminRoles;
import dev.gemgate.adapter.web.admin.BootstrapAdmin;
import dev.gemgate.adminui.portal.PortalSignIn;
import dev.gemgate.app.PortalProducers;
import dev.gemgate.adminui.portal.PortalHeaders;
import dev.gemgate.adminui.portal.PortalRoles;
import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.app.oidc.KeycloakServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The portal's HTTP-level protections, without a browser. */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalSecurityTest {
    private static final String BOOTSTRAP = "test-bootstrap-admin-token-0123456789abcdef";

    @Test
    void portalPagesAndAssetsCarryAStrictContentSecurityPolicy() {
        // the identity provider's origin is a form target too (sign-out redirects there); nothing else is relaxed
        String policy = PortalHeaders.policy(Optional.of(KeycloakServer.baseUrl()));
        assertThat(policy).contains("form-action 'self' " + KeycloakServer.baseUrl() + ";")
                .contains("script-src 'self';").contains("style-src 'self';");
        given().get("/admin/ui/login").then().statusCode(200)
                .header("Content-Security-Policy", equalTo(policy))
                .header("Cache-Control", equalTo("no-store"))
                .body(containsString("name=\"csrf-token\""))
                .body(org.hamcrest.Matchers.not(containsString("<script>")));
        given().get("/admin/ui/assets/portal.js").then().statusCode(200)
                .header("Content-Security-Policy", equalTo(policy));
        assertThat(PortalHeaders.CONTENT_SECURITY_POLICY).doesNotContain("unsafe-inline").doesNotContain("http");
    }

    @Test
    void aLoginPostWithoutTheCsrfTokenIsRefused() {
        given().formParam("token", BOOTSTRAP).post("/admin/ui/login").then().statusCode(400);
    }

    @Test
    void aWrongBootstrapTokenDoesNotSignIn() {
        Response page = given().get("/admin/ui/login");
        String csrf = page.cookie("gemgate-csrf");
        given().cookie("gemgate-csrf", csrf).formParam("csrf-token", csrf).formParam("token", "not-the-token")
                .post("/admin/ui/login").then().statusCode(401).body(containsString("not the bootstrap admin token"));
    }

    @Test
    void anAnonymousPortalRequestIsSentToTheProviderNotAnsweredWithABearerChallenge() {
        given().redirects().follow(false).get("/admin/ui/tenants").then().statusCode(302)
                .header("Location", containsString("/protocol/openid-connect/auth"));
        // the admin API keeps its bearer challenge
        given().get("/admin/api/v1/tenants").then().statusCode(401).header("WWW-Authenticate", "Bearer");
    }

    /** prod has no bootstrap admin (AdminProducers, ProductionSafety): the local login form then signs nobody in. */
    @Test
    void withoutABootstrapAdminTheLocalLoginRefusesEveryToken() {
        PortalSignIn prod = PortalProducers.portalSignIn(new BootstrapAdmin(Optional.empty()),
                false);
        assertThat(prod.bootstrapEnabled()).isFalse();
        assertThat(prod.bootstrapTokenMatches(BOOTSTRAP)).isFalse();
        assertThat(prod.bootstrapTokenMatches("")).isFalse();
    }

    @Test
    void thePortalChecksTheControlPlanesRoles() {
        assertThat(PortalRoles.ADMIN).isEqualTo(AdminRoles.ADMIN);
        assertThat(PortalRoles.VIEWER).isEqualTo(AdminRoles.VIEWER);
    }
}
