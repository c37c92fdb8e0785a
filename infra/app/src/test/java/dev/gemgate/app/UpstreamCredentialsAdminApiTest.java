package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.StoredCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The upstream credential pool through the admin API (real Keycloak tokens, real PostgreSQL): a secret goes in once and
 * never comes out of any answer or audit record, while the store opens it again (encrypted under the test master key);
 * the rotation flow add, drain, disable, delete; a delete of an ACTIVE credential is a 409; bad bodies are one 400
 * naming the fields; a viewer reads but cannot change.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class UpstreamCredentialsAdminApiTest {
    private static final String CREDENTIALS = "/admin/api/v1/upstream-credentials";

    @Inject
    UpstreamCredentialStore store;

    @Inject
    AuditLog auditLog;

    @Inject
    DataSource dataSource;

    /**
     * The credentials these tests add point nowhere (no upstream listens on their base URL): they are taken out of
     * the shared boot's pool afterwards, so that no later test's request is given one of them.
     */
    @AfterEach
    void removeAddedCredentials() {
        for (StoredCredential stored : store.loadAll()) {
            if (stored.entry().source() == CredentialSource.ADMIN) {
                admin().post(CREDENTIALS + "/" + stored.entry().id() + "/disable");
                admin().delete(CREDENTIALS + "/" + stored.entry().id());
            }
        }
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private static RequestSpecification viewer() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.VIEWER))
                .contentType(ContentType.JSON);
    }

    private static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String uniqueSecret() {
        return "AIzaSyTestPoolKey" + UUID.randomUUID().toString().replace("-", "");
    }

    private static String apiKeyBody(String id, String secret) {
        return "{\"id\":\"" + id + "\",\"mode\":\"GEMINI_API_KEY\",\"apiKey\":\"" + secret + "\",\"weight\":3,"
                + "\"baseUrl\":\"http://localhost:8089\"}";
    }

    private List<AuditEvent> audited(String id, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.empty(), Optional.of(type), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(1)), 1000)).stream()
                .filter(e -> e.admin().map(a -> a.target().equals("upstream-credential:" + id)).orElse(false))
                .toList();
    }

    @Test
    void aSecretGoesInOnceAndNeverComesOut() throws Exception {
        String id = uniqueId("key");
        String secret = uniqueSecret();
        Response created = admin().body(apiKeyBody(id, secret)).post(CREDENTIALS);
        created.then().statusCode(201).header("Location", endsWith(CREDENTIALS + "/" + id))
                .body("id", equalTo(id)).body("mode", equalTo("GEMINI_API_KEY")).body("source", equalTo("ADMIN"))
                .body("status", equalTo("ACTIVE")).body("weight", equalTo(3))
                .body("baseUrl", equalTo("http://localhost:8089")).body("vertexProject", nullValue());
        assertThat(created.asString()).doesNotContain(secret).doesNotContain(secret.substring(0, 20));

        String vertexId = uniqueId("vertex");
        String privateKey = "pk-" + UUID.randomUUID();
        Response vertex = admin().body("{\"id\":\"" + vertexId + "\",\"mode\":\"VERTEX_AI\",\"serviceAccountJson\":"
                + "\"{\\\"type\\\":\\\"service_account\\\",\\\"private_key\\\":\\\"" + privateKey + "\\\"}\","
                + "\"vertexProject\":\"my-project\",\"vertexLocation\":\"us-central1\",\"weight\":2}")
                .post(CREDENTIALS);
        vertex.then().statusCode(201).body("vertexProject", equalTo("my-project"));
        assertThat(vertex.asString()).doesNotContain(privateKey);

        for (Response read : new Response[] {admin().get(CREDENTIALS), viewer().get(CREDENTIALS),
                viewer().get(CREDENTIALS + "/" + id), admin().get(CREDENTIALS + "/" + vertexId)}) {
            read.then().statusCode(200);
            assertThat(read.asString()).doesNotContain(secret).doesNotContain(privateKey)
                    .doesNotContain("apiKey").doesNotContain("serviceAccountJson").doesNotContain("secret");
        }
        admin().get(CREDENTIALS).then().body("credentials.id", hasItem(id)).body("credentials.id", hasItem(vertexId));

        assertThat(store.loadAll()).filteredOn(c -> c.entry().id().value().equals(id))
                .singleElement().extracting(StoredCredential::secret).isEqualTo(Optional.of(secret));
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT secret_ciphertext FROM upstream_credentials WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet row = s.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(new String(row.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain(secret);
            }
        }
        List<AuditEvent> added = audited(id, AuditEventType.UPSTREAM_CREDENTIAL_ADDED);
        assertThat(added).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo(KeycloakTokens.claims(KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                    .get("sub").asText());
            assertThat(e.admin().orElseThrow().after().orElseThrow()).contains("\"weight\":3");
        });
        assertThat(audited(vertexId, AuditEventType.UPSTREAM_CREDENTIAL_ADDED)).hasSize(1);
        assertThat(auditLog.query(new AuditQuery(Optional.empty(), Optional.empty(), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(1)), 10_000))).allSatisfy(e -> assertThat(e.toString() + e.detail()
                + e.admin().flatMap(a -> a.before()).orElse("") + e.admin().flatMap(a -> a.after()).orElse(""))
                .doesNotContain(secret).doesNotContain(privateKey));
    }

    @Test
    void aRotationDrainsDisablesThenDeletes() {
        String id = uniqueId("old");
        admin().body(apiKeyBody(id, uniqueSecret())).post(CREDENTIALS).then().statusCode(201);
        admin().body(apiKeyBody(id, uniqueSecret())).post(CREDENTIALS).then().statusCode(409)
                .contentType(startsWith("application/problem+json"));

        admin().delete(CREDENTIALS + "/" + id).then().statusCode(409)
                .contentType(startsWith("application/problem+json")).body("detail", org.hamcrest.Matchers
                        .containsString("only a DISABLED credential is deleted"));
        admin().post(CREDENTIALS + "/" + id + "/drain").then().statusCode(200).body("status", equalTo("DRAINING"));
        admin().delete(CREDENTIALS + "/" + id).then().statusCode(409);
        admin().body("{\"weight\":7}").put(CREDENTIALS + "/" + id + "/weight").then().statusCode(200)
                .body("weight", equalTo(7)).body("status", equalTo("DRAINING"));
        admin().post(CREDENTIALS + "/" + id + "/enable").then().statusCode(200).body("status", equalTo("ACTIVE"));
        admin().post(CREDENTIALS + "/" + id + "/disable").then().statusCode(200).body("status", equalTo("DISABLED"));
        admin().delete(CREDENTIALS + "/" + id).then().statusCode(204);
        admin().get(CREDENTIALS + "/" + id).then().statusCode(404);
        admin().post(CREDENTIALS + "/" + id + "/drain").then().statusCode(404);

        assertThat(audited(id, AuditEventType.UPSTREAM_CREDENTIAL_CHANGED)).hasSize(4);
        assertThat(audited(id, AuditEventType.UPSTREAM_CREDENTIAL_DELETED)).singleElement()
                .satisfies(e -> assertThat(e.admin().orElseThrow().before().orElseThrow())
                        .contains("\"status\":\"DISABLED\""));
    }

    @Test
    void badBodiesAreOne400NamingTheFieldsWithoutTheSecret() {
        String secret = uniqueSecret();
        Response bad = admin().body("{\"id\":\"bad id\",\"mode\":\"GEMINI_API_KEY\",\"apiKey\":\"" + secret
                + " \",\"weight\":0,\"baseUrl\":\"file:///etc/passwd\",\"colour\":\"red\"}").post(CREDENTIALS);
        bad.then().statusCode(400).contentType(startsWith("application/problem+json"));
        assertThat(bad.jsonPath().getList("errors.field", String.class))
                .containsExactlyInAnyOrder("colour", "id", "apiKey", "weight", "baseUrl");
        assertThat(bad.asString()).doesNotContain(secret);

        admin().body("{\"id\":\"v\",\"mode\":\"VERTEX_AI\",\"serviceAccountJson\":\"{}\"}").post(CREDENTIALS)
                .then().statusCode(400).body("errors.field", hasItem("vertexProject"));
        admin().body("not json " + secret).post(CREDENTIALS).then().statusCode(400)
                .body("errors[0].field", equalTo("body"));
        String id = uniqueId("w");
        admin().body(apiKeyBody(id, uniqueSecret())).post(CREDENTIALS).then().statusCode(201);
        admin().body("{\"weight\":1001}").put(CREDENTIALS + "/" + id + "/weight").then().statusCode(400)
                .body("errors[0].field", equalTo("weight"));
        admin().get(CREDENTIALS + "/not%20an%20id").then().statusCode(404);
    }

    @Test
    void aViewerReadsButChangesNothing() {
        String id = uniqueId("viewed");
        admin().body(apiKeyBody(id, uniqueSecret())).post(CREDENTIALS).then().statusCode(201);
        viewer().get(CREDENTIALS + "/" + id).then().statusCode(200).body("id", equalTo(id));
        viewer().body(apiKeyBody(uniqueId("nope"), uniqueSecret())).post(CREDENTIALS).then().statusCode(403);
        viewer().post(CREDENTIALS + "/" + id + "/disable").then().statusCode(403);
        viewer().body("{\"weight\":2}").put(CREDENTIALS + "/" + id + "/weight").then().statusCode(403);
        viewer().delete(CREDENTIALS + "/" + id).then().statusCode(403);
        given().get(CREDENTIALS).then().statusCode(401);
        admin().get(CREDENTIALS + "/" + id).then().statusCode(200).body("status", equalTo("ACTIVE"))
                .body("weight", equalTo(3));
    }
}
