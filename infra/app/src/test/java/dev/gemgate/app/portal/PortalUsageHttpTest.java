package dev.gemgate.app.portal;

import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage by day over HTTP, without a browser: the admin API and the portal page both have a row for every day of the
 * range, zeros on the days without requests (ReadUsage fills them in, once for both).
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalUsageHttpTest {
    private static final String TOKEN = "test-bootstrap-admin-token-0123456789abcdef";

    @Inject
    CreateTenant createTenant;

    @Test
    void theAdminApiReportsEveryDayOfTheRangeWithZerosWhereNothingWasCalled() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("zero-days-" + UUID.randomUUID()));

        JsonPath report = given().header("Authorization", "Bearer " + TOKEN)
                .get("/admin/api/v1/tenants/" + tenant.id() + "/usage?from=2026-02-27&to=2026-03-02&groupBy=day")
                .then().statusCode(200).extract().jsonPath();

        assertThat(report.getList("rows.day", String.class))
                .containsExactly("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02");
        assertThat(report.getList("rows.requests", Integer.class)).containsExactly(0, 0, 0, 0);
        assertThat(report.getList("rows.costUsd", String.class)).containsOnly("0.000000");
    }

    @Test
    void thePortalPageShowsEveryDayOfTheRangeAndABadRangeNextToItsField() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("zero-days-page-" + UUID.randomUUID()));
        String session = bootstrapSession();

        String page = given().cookie("gemgate-portal-session", session)
                .get("/admin/ui/tenant/usage?id=" + tenant.id() + "&group=day&from=2026-02-27&to=2026-03-02")
                .then().statusCode(200).extract().asString();

        assertThat(all(page, "<tr data-group=\"([0-9-]+)\" data-requests=\"0\""))
                .containsExactly("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02");
        assertThat(page).doesNotContain("<script>").contains("/webjars/chart.js/");

        String refused = given().cookie("gemgate-portal-session", session)
                .get("/admin/ui/tenant/usage?id=" + tenant.id() + "&group=week")
                .then().statusCode(400).extract().asString();
        assertThat(refused).contains("id=\"group-error\"").contains("aria-describedby=\"group-error\"");

        given().cookie("gemgate-portal-session", session).get("/admin/ui/tenant/usage?id=" + UUID.randomUUID())
                .then().statusCode(404);
        given().cookie("gemgate-portal-session", session).get("/admin/ui/tenant/limits?id=not-a-tenant")
                .then().statusCode(404);
    }

    /** Signs in on the local login form with the bootstrap admin token; the session cookie's value. */
    private static String bootstrapSession() {
        Response login = given().get("/admin/ui/login");
        String csrf = login.cookie("gemgate-csrf");
        return given().cookie("gemgate-csrf", csrf).formParam("csrf-token", csrf).formParam("token", TOKEN)
                .redirects().follow(false).post("/admin/ui/login")
                .then().statusCode(303).extract().cookie("gemgate-portal-session");
    }

    private static List<String> all(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        List<String> found = new java.util.ArrayList<>();
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
