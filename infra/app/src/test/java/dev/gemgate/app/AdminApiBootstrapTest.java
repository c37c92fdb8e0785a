package dev.gemgate.app;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

/**
 * The admin API with the local bootstrap admin token: tenants are created and read with it, anything else is refused
 * with problem details, never Gemini's envelope.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class AdminApiBootstrapTest {
    private static final String TENANTS = "/admin/api/v1/tenants";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void theBootstrapAdminCreatesListsAndReadsTenants() {
        String name = "admin-api-" + UUID.randomUUID();
        String id = given().header("Authorization", BOOTSTRAP).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\"}").post(TENANTS)
                .then().statusCode(201).header("Location", matchesPattern(".*/admin/api/v1/tenants/[0-9a-f-]{36}"))
                .body("name", equalTo(name)).body("status", equalTo("ACTIVE"))
                .extract().path("id");

        given().header("Authorization", BOOTSTRAP).get(TENANTS + "/" + id)
                .then().statusCode(200).body("name", equalTo(name));
        given().header("Authorization", BOOTSTRAP).queryParam("limit", 200).get(TENANTS)
                .then().statusCode(200).body("tenants.name", hasItem(name));
    }

    @Test
    void badInputAndUnknownTenantsAreProblemDetails() {
        given().header("Authorization", BOOTSTRAP).contentType(ContentType.JSON).body("{}").post(TENANTS)
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400)).body("errors[0].field", equalTo("name"));
        given().header("Authorization", BOOTSTRAP).get(TENANTS + "/" + UUID.randomUUID())
                .then().statusCode(404).contentType(startsWith("application/problem+json"))
                .body("title", equalTo("Not found"));
        given().header("Authorization", BOOTSTRAP).queryParam("limit", 0).get(TENANTS)
                .then().statusCode(400).body("status", equalTo(400));
    }

    @Test
    void theOpenApiDocumentDescribesTheAdminApiAndItsErrors() {
        String base = ManagementInterfaceTest.base(management);
        given().queryParam("format", "json").get(base + "/q/openapi").then().statusCode(200)
                .body("paths.'/admin/api/v1/tenants'.post.responses.'201'.description", equalTo("Created"))
                .body("paths.'/admin/api/v1/tenants'.post.responses.'400'.content.'application/problem+json'"
                        + ".schema.'$ref'", equalTo("#/components/schemas/Problem"))
                .body("paths.'/admin/api/v1/tenants/{id}'.get.responses.'404'.description", equalTo("No such tenant"))
                .body("components.schemas.Problem.properties.errors.type", equalTo("array"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"));
    }

    @Test
    void withoutTheTokenTheAdminApiIs401() {
        given().get(TENANTS).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .contentType(startsWith("application/problem+json")).body("status", equalTo(401));
        given().header("Authorization", "Bearer test-bootstrap-admin-token-0123456789abcdeX").get(TENANTS)
                .then().statusCode(401);
        given().header("Authorization", BOOTSTRAP.replace("Bearer ", "Basic ")).contentType(ContentType.JSON)
                .body("{\"name\":\"nope\"}").post(TENANTS).then().statusCode(401);
    }
}
