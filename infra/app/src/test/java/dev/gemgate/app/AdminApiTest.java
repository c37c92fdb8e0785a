package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Every admin API endpoint with a real OIDC token (an admin signed in at Keycloak): tenants and keys are managed, the
 * tenant surface honours every change at once (on this instance), every change is audited with its actor, and anything
 * refused is a problem-details body, never Gemini's envelope. The viewer's 403s, expired and foreign tokens are in
 * {@code AdminApiKeycloakTokenTest} and {@code AdminBearerTokenTest}; the local bootstrap token is checked here too.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class AdminApiTest {
    private static final String TENANTS = "/admin/api/v1/tenants";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String HELLO = "{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}";

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    AuditLog auditLog;

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private static int generate(String key, String model) {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/" + model + ":generateContent").statusCode();
    }

    private static String createTenant(String name) {
        return admin().body("{\"name\":\"" + name + "\",\"contact\":\"ops@example.com\",\"metadata\":{\"team\":\"a\"}}")
                .post(TENANTS).then().statusCode(201)
                .header("Location", matchesPattern(".*/admin/api/v1/tenants/[0-9a-f-]{36}"))
                .body("name", equalTo(name)).body("status", equalTo("ACTIVE")).body("metadata.team", equalTo("a"))
                .extract().path("id");
    }

    @Test
    void tenantsAreCreatedReadListedUpdatedSuspendedAndDeleted() {
        String name = "admin-api-" + UUID.randomUUID();
        String id = createTenant(name);

        admin().get(TENANTS + "/" + id).then().statusCode(200).body("contact", equalTo("ops@example.com"));
        admin().queryParam("search", name.substring(0, 20)).get(TENANTS).then().statusCode(200)
                .body("tenants.name", hasItem(name));
        admin().body("{\"displayName\":\"Admin API tenant\"}").patch(TENANTS + "/" + id).then().statusCode(200)
                .body("displayName", equalTo("Admin API tenant")).body("contact", equalTo("ops@example.com"));
        admin().body("{\"name\":\"" + name.toUpperCase() + "\"}").post(TENANTS).then().statusCode(409)
                .contentType(startsWith("application/problem+json")).body("title", equalTo("Conflict"));

        String key = admin().body("{\"name\":\"ci\"}").post(TENANTS + "/" + id + "/keys").then().statusCode(201)
                .extract().path("secret");
        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(200);
        admin().post(TENANTS + "/" + id + "/suspend").then().statusCode(200).body("status", equalTo("SUSPENDED"));
        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(403);
        admin().post(TENANTS + "/" + id + "/resume").then().statusCode(200).body("status", equalTo("ACTIVE"));
        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(200);
        admin().delete(TENANTS + "/" + id).then().statusCode(204);
        assertThat(generate(key, "gemini-2.5-flash")).isEqualTo(403);
        admin().get(TENANTS + "/" + id).then().statusCode(404).body("title", equalTo("Not found"));

        List<AuditEvent> events = auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(id))),
                Optional.empty(), Instant.EPOCH, Instant.now().plusSeconds(60), 100));
        assertThat(events).extracting(AuditEvent::type).contains(AuditEventType.TENANT_CREATED,
                AuditEventType.TENANT_UPDATED, AuditEventType.API_KEY_ISSUED, AuditEventType.TENANT_SUSPENDED,
                AuditEventType.TENANT_RESUMED, AuditEventType.TENANT_DELETED);
        assertThat(events).filteredOn(e -> e.type() == AuditEventType.TENANT_UPDATED).singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).isEqualTo(KeycloakTokens.claims(KeycloakTokens.accessToken(
                            KeycloakTokens.ADMIN)).get("sub").asText());
                    assertThat(e.admin()).isPresent();
                    assertThat(e.admin().get().toString()).contains("Admin API tenant");
                });
        assertThat(events).filteredOn(e -> e.type() == AuditEventType.API_KEY_ISSUED).singleElement()
                .satisfies(e -> assertThat(e.toString()).doesNotContain(key));
    }

    @Test
    void keysAreIssuedListedRotatedWithGraceRevokedAndScoped() {
        String id = createTenant("keys-" + UUID.randomUUID());
        String keys = TENANTS + "/" + id + "/keys";
        Response issued = admin().body("{\"name\":\"app\",\"scopes\":{\"models\":[\"gemini-2.5-*\"]}}").post(keys);
        issued.then().statusCode(201).body("key.status", equalTo("ACTIVE")).body("key.name", equalTo("app"))
                .body("key.scopes.models", hasItem("gemini-2.5-*"));
        String secret = issued.path("secret");
        String keyId = issued.path("key.id");

        assertThat(generate(secret, "gemini-2.5-flash")).isEqualTo(200);
        assertThat(generate(secret, "gemini-3.5-flash")).as("a model outside the key's scope").isEqualTo(403);
        admin().get(keys).then().statusCode(200).body("keys.id", hasItem(keyId))
                .body("keys[0].secret", nullValue()).body("keys[0].hash", nullValue());

        Response rotated = admin().body("{\"gracePeriod\":\"PT1H\"}").post(keys + "/" + keyId + "/rotate");
        rotated.then().statusCode(201).body("replaces.id", equalTo(keyId)).body("replaces.expiresAt",
                matchesPattern("\\d{4}-.*"));
        String replacement = rotated.path("secret");
        assertThat(generate(secret, "gemini-2.5-flash")).as("the old key during its grace period").isEqualTo(200);
        assertThat(generate(replacement, "gemini-2.5-flash")).isEqualTo(200);

        admin().post(keys + "/" + keyId + "/revoke").then().statusCode(200).body("status", equalTo("REVOKED"));
        assertThat(generate(secret, "gemini-2.5-flash")).isEqualTo(403);
        admin().body("{\"models\":[\"gemini-3.*\"]}").put(keys + "/" + rotated.path("key.id") + "/scopes")
                .then().statusCode(200).body("scopes.models", hasItem("gemini-3.*"));
        assertThat(generate(replacement, "gemini-2.5-flash")).isEqualTo(403);
        admin().body("{\"models\":[\"\"]}").put(keys + "/" + rotated.path("key.id") + "/scopes")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("scopes"));
        admin().post(keys + "/" + keyId + "/rotate").then().statusCode(409);
    }

    @Test
    void aRotatedKeyWorksUntilItsGracePeriodEndsAndNotAfter() {
        String id = createTenant("grace-" + UUID.randomUUID());
        String keys = TENANTS + "/" + id + "/keys";
        Response issued = admin().body("{\"name\":\"app\"}").post(keys);
        String old = issued.path("secret");
        Response rotated = admin().body("{\"gracePeriod\":\"PT1H\"}").post(keys + "/" + issued.path("key.id")
                + "/rotate");
        String replacement = rotated.path("secret");
        try {
            ShiftableClock.advance(Duration.ofMinutes(59));
            assertThat(generate(old, "gemini-2.5-flash")).as("59 minutes into a 1 hour grace").isEqualTo(200);
            ShiftableClock.advance(Duration.ofMinutes(2));
            given().header("x-goog-api-key", old).contentType(ContentType.JSON).body(HELLO).post(GENERATE)
                    .then().statusCode(403).body("error.status", equalTo("PERMISSION_DENIED"))
                    .body("error.message", org.hamcrest.Matchers.containsString("grace period"));
            assertThat(generate(replacement, "gemini-2.5-flash")).isEqualTo(200);
            admin().get(keys + "/" + issued.path("key.id")).then().statusCode(200).body("status", equalTo("EXPIRED"));
        } finally {
            ShiftableClock.reset();
        }
    }

    @Test
    void badInputAndUnknownTenantsAreProblemDetails() {
        admin().body("{}").post(TENANTS)
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400)).body("errors[0].field", equalTo("name"));
        admin().get(TENANTS + "/" + UUID.randomUUID())
                .then().statusCode(404).contentType(startsWith("application/problem+json"))
                .body("title", equalTo("Not found"));
        admin().queryParam("limit", 0).get(TENANTS).then().statusCode(400).body("status", equalTo(400));
        admin().body("{\"name\":\"k\",\"expiresAt\":\"tomorrow\"}").post(TENANTS + "/" + UUID.randomUUID() + "/keys")
                .then().statusCode(400).body("errors[0].field", equalTo("expiresAt"));
        admin().queryParam("limit", 0).get(TENANTS).then().statusCode(400).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void theOpenApiDocumentDescribesTheAdminApiAndItsErrors() {
        String base = ManagementInterfaceTest.base(management);
        given().queryParam("format", "json").get(base + "/q/openapi").then().statusCode(200)
                .body("paths.'/admin/api/v1/tenants'.post.responses.'201'.description", equalTo("Created"))
                .body("paths.'/admin/api/v1/tenants'.post.responses.'400'.content.'application/problem+json'"
                        + ".schema.'$ref'", equalTo("#/components/schemas/Problem"))
                .body("paths.'/admin/api/v1/tenants/{id}'.get.responses.'404'.description", equalTo("No such tenant"))
                .body("paths.'/admin/api/v1/tenants/{tenantId}/keys/{keyId}/rotate'.post.responses.'409'.description",
                        equalTo("The key is revoked or expired"))
                .body("components.schemas.Problem.properties.errors.type", equalTo("array"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"));
    }

    /** Recent denials of callers without a valid token (other tests' 403s carry real subjects). */
    private List<AuditEvent> recentAnonymousDenials() {
        return auditLog.query(new AuditQuery(Optional.empty(), Optional.of(AuditEventType.ADMIN_ACCESS_DENIED),
                Instant.now().minusSeconds(61), Instant.now().plusSeconds(60), 1000)).stream()
                .filter(e -> e.actor().equals("anonymous")).toList();
    }

    @Test
    void theLocalBootstrapTokenIsAnAdmin() {
        String name = "bootstrapped-" + UUID.randomUUID();
        String id = given().header("Authorization", BOOTSTRAP).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\"}").post(TENANTS).then().statusCode(201).extract().path("id");
        assertThat(auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(id))),
                Optional.of(AuditEventType.TENANT_CREATED), Instant.EPOCH, Instant.now().plusSeconds(60), 10)))
                .singleElement().extracting(AuditEvent::actor).isEqualTo("bootstrap-admin");
    }

    @Test
    void withoutTheTokenTheAdminApiIs401() {
        int deniedBefore = recentAnonymousDenials().size();
        given().get(TENANTS).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .contentType(startsWith("application/problem+json")).body("status", equalTo(401));
        given().header("Authorization", "Bearer test-bootstrap-admin-token-0123456789abcdeX").get(TENANTS)
                .then().statusCode(401);
        given().header("Authorization", BOOTSTRAP.replace("Bearer ", "Basic ")).contentType(ContentType.JSON)
                .body("{\"name\":\"nope\"}").post(TENANTS).then().statusCode(401);

        // refused credentials are audited, at most once per client address and minute
        List<AuditEvent> denials = recentAnonymousDenials();
        assertThat(denials).isNotEmpty()
                .allSatisfy(e -> assertThat(e.toString()).doesNotContain("test-bootstrap-admin-token"));
        assertThat(denials.size() - deniedBefore).isLessThanOrEqualTo(1);
    }
}
