package dev.gemgate.app.portal;

import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;

/**
 * The dashboard's, the audit log's and sign-out's behaviour over HTTP, signed in as the local bootstrap admin (no
 * browser needed): where the portal sends people, bad audit filters re-rendered with 400 next to their field, keyset
 * paging through the "older events" link, refusals as pages of the portal, and a session that ends at sign-out.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalPagesHttpTest {
    private static final String BOOTSTRAP = "test-bootstrap-admin-token-0123456789abcdef";
    private static final String SESSION = "gemgate-portal-session";
    private static final String CSRF = "gemgate-csrf";

    @Inject
    CreateTenant createTenant;
    @Inject
    IssueApiKey issueApiKey;
    @Inject
    AuditLog auditLog;

    /** A bootstrap admin's session: its cookie, and the CSRF cookie (= token) of the login page. */
    private record Session(String id, String csrf) {
    }

    private static Session signIn() {
        String csrf = given().get("/admin/ui/login").then().statusCode(200).extract().cookie(CSRF);
        Response signedIn = given().redirects().follow(false).cookie(CSRF, csrf).formParam("csrf-token", csrf)
                .formParam("token", BOOTSTRAP).post("/admin/ui/login");
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.header("Location")).endsWith("/admin/ui/dashboard");
        return new Session(signedIn.cookie(SESSION), csrf);
    }

    @Test
    void thePortalsHomeAndTheSignInLeadToTheDashboard() {
        Session session = signIn();
        given().redirects().follow(false).cookie(SESSION, session.id()).get("/admin/ui").then().statusCode(303)
                .header("Location", endsWith("/admin/ui/dashboard"));
        given().cookie(SESSION, session.id()).get("/admin/ui/dashboard").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("id=\"figure-requests\""), containsString("id=\"figure-spend\""),
                        containsString("id=\"figure-cache-hit-rate\""), containsString("id=\"figure-saved\""),
                        containsString("id=\"upstream-credentials\""), containsString("aria-current=\"page\">Dashboard"),
                        containsString("id=\"sign-out\""));
    }

    @Test
    void badAuditFiltersAreShownNextToTheirFieldWith400() {
        Session session = signIn();
        given().cookie(SESSION, session.id()).queryParam("type", "NOPE").get("/admin/ui/audit").then()
                .statusCode(400).contentType(startsWith("text/html"))
                .body(containsString("<p class=\"field-error\" id=\"type-error\">&#39;NOPE&#39; is not an audit event "
                                + "type"),
                        containsString("aria-invalid=\"true\" aria-describedby=\"type-error\""));
        given().cookie(SESSION, session.id()).queryParam("from", "yesterday").queryParam("tenant", "acme")
                .get("/admin/ui/audit").then().statusCode(400)
                .body(containsString("id=\"from-error\""), containsString("value=\"yesterday\""));
        given().cookie(SESSION, session.id()).queryParam("tenant", "acme").get("/admin/ui/audit").then()
                .statusCode(400).body(containsString("<p class=\"field-error\" id=\"tenant-error\">&#39;acme&#39; is not a "
                        + "tenant id"));
        // the export refuses the same way before sending anything
        given().cookie(SESSION, session.id()).queryParam("to", "soon").get("/admin/ui/audit.csv").then()
                .statusCode(400).contentType(startsWith("text/html")).body(containsString("id=\"to-error\""));
        given().cookie(SESSION, session.id()).queryParam("page", "garbage").get("/admin/ui/audit").then()
                .statusCode(400).body(containsString("id=\"page-error\""));
    }

    @Test
    void theAuditLogPagesByKeysetThroughOlderEventsLinks() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("paged-" + UUID.randomUUID()));
        for (int i = 0; i < 51; i++) {
            issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "k" + i));
        }
        var expected = auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.empty(), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(2)), 100)).stream().map(e -> e.id().toString()).toList();
        assertThat(expected).hasSize(52);
        Session session = signIn();

        String first = given().cookie(SESSION, session.id()).queryParam("tenant", tenant.id().toString())
                .get("/admin/ui/audit").then().statusCode(200).extract().asString();
        assertThat(ids(first)).isEqualTo(expected.subList(0, 50));
        assertThat(first).doesNotContain("id=\"newest-page\"");
        Matcher older = Pattern.compile("href=\"/admin/ui/audit\\?([^\"]+)\" rel=\"next\" id=\"older-page\"")
                .matcher(first);
        assertThat(older.find()).isTrue();
        String second = given().cookie(SESSION, session.id())
                .get("/admin/ui/audit?" + older.group(1).replace("&amp;", "&")).then().statusCode(200).extract()
                .asString();
        assertThat(ids(second)).isEqualTo(expected.subList(50, 52));
        assertThat(second).contains("id=\"newest-page\"").doesNotContain("id=\"older-page\"");

        String csv = given().cookie(SESSION, session.id()).queryParam("tenant", tenant.id().toString())
                .get("/admin/ui/audit.csv").then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("attachment")).extract().asString();
        assertThat(csv.lines().skip(1).map(l -> l.substring(0, 36)).toList()).isEqualTo(expected);
    }

    @Test
    void refusalsArePagesOfThePortal() {
        Session session = signIn();
        given().cookie(SESSION, session.id()).get("/admin/ui/tenant?id=" + UUID.randomUUID()).then().statusCode(404)
                .contentType(startsWith("text/html")).body(containsString("id=\"error-reason\""),
                        containsString("does not exist"), containsString("<nav aria-label=\"Main\">"));
        // a form post without its CSRF token
        given().cookie(SESSION, session.id()).formParam("name", "no-token").post("/admin/ui/tenants").then()
                .statusCode(400).contentType(startsWith("text/html")).body(containsString("id=\"error-reason\""));
        // the admin API keeps its problem details
        given().get("/admin/api/v1/tenants/" + UUID.randomUUID()).then().statusCode(401)
                .contentType(startsWith("application/problem+json"));
    }

    @Test
    void signingOutEndsTheBootstrapSession() {
        Session session = signIn();
        Response out = given().redirects().follow(false).cookie(SESSION, session.id()).cookie(CSRF, session.csrf())
                .formParam("csrf-token", session.csrf()).post("/admin/ui/logout");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Location")).endsWith("/admin/ui/login");
        assertThat(out.detailedCookie(SESSION).getMaxAge()).isZero();
        // the old cookie opens nothing any more: the visitor is sent to sign in again
        given().redirects().follow(false).cookie(SESSION, session.id()).get("/admin/ui/dashboard").then()
                .statusCode(302).header("Location", containsString("/protocol/openid-connect/auth"));
    }

    private static java.util.List<String> ids(String page) {
        Matcher row = Pattern.compile("class=\"audit-event\" data-id=\"([0-9a-f-]{36})\"").matcher(page);
        java.util.List<String> ids = new java.util.ArrayList<>();
        while (row.find()) {
            ids.add(row.group(1));
        }
        return ids;
    }
}
