package dev.gemgate.app;

import dev.gemgate.adapter.persistence.BatchedKeyUsageRecorder;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.tenant.ApiKeyView;
import dev.gemgate.application.tenant.ChangeApiKeyScopes;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.tenant.RotateApiKey;
import dev.gemgate.application.tenant.SuspendTenant;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The control plane's use cases wired to PostgreSQL and the tenant surface: scopes refuse before any upstream work,
 * suspension and rotation take effect, "last used" is written in batches, admin actions are audited with their actor.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class ControlPlaneWiringTest {
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}";
    private static final AdminActor ALICE = new AdminActor("sub-alice", "Alice Admin", "192.0.2.10");

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    ChangeApiKeyScopes changeScopes;

    @Inject
    SuspendTenant suspendTenant;

    @Inject
    RotateApiKey rotateApiKey;

    @Inject
    ListApiKeys listApiKeys;

    @Inject
    BatchedKeyUsageRecorder usage;

    @Inject
    AuditLog auditLog;

    private Tenant tenant;
    private Instant start;

    @BeforeEach
    void aTenant() {
        start = Instant.now().minusSeconds(1);
        tenant = createTenant.execute(new CreateTenant.Command("wiring-" + UUID.randomUUID(), Optional.of("Wiring"),
                Optional.empty(), Map.of("team", "qa"), ALICE));
    }

    private IssueApiKey.Issued issue(KeyScopes scopes) {
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "wiring", Optional.empty(), scopes, ALICE));
    }

    private static io.restassured.response.ValidatableResponse generate(String key, String model) {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/" + model + ":generateContent").then();
    }

    private List<AuditEvent> events(AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(type), start,
                Instant.now().plusSeconds(60), 100));
    }

    @Test
    void aModelOutsideTheScopeIs403BeforeTheUpstreamAndAudited() {
        String key = issue(ChangeApiKeyScopes.scopes(List.of("gemini-3.*"), List.of(), List.of())).secret().reveal();
        GatewayTestResources.emulator().clearRecordedRequests();

        generate(key, "gemini-2.5-flash").statusCode(403).body("error.status", equalTo("PERMISSION_DENIED"))
                .body("error.message", containsString("models/gemini-2.5-flash"))
                .body("error.message", containsString("gemini-3.*"));
        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();
        assertThat(events(AuditEventType.GENERATE_CONTENT)).singleElement()
                .extracting(AuditEvent::outcome).isEqualTo(Outcome.PERMISSION_DENIED);
        generate(key, "gemini-3.5-flash").statusCode(200);
    }

    @Test
    void surfaceAndAddressScopesAreCheckedAtAuthentication() {
        String embeddingsOnly = issue(ChangeApiKeyScopes.scopes(List.of(), List.of("EMBEDDINGS"), List.of()))
                .secret().reveal();
        generate(embeddingsOnly, "gemini-2.5-flash").statusCode(403)
                .body("error.message", containsString("may not use the GEMINI API"));

        IssueApiKey.Issued elsewhere = issue(ChangeApiKeyScopes.scopes(List.of(), List.of(), List.of("10.0.0.0/8")));
        generate(elsewhere.secret().reveal(), "gemini-2.5-flash").statusCode(403)
                .body("error.message", containsString("may not be used from 127.0.0.1"));

        changeScopes.execute(new ChangeApiKeyScopes.Command(tenant.id(), elsewhere.key().id(),
                ChangeApiKeyScopes.scopes(List.of(), List.of(), List.of("127.0.0.0/8", "::1")), ALICE));
        generate(elsewhere.secret().reveal(), "gemini-2.5-flash").statusCode(200);
    }

    @Test
    void aSuspendedTenantsKeysAreRefusedWithAClearMessage() {
        String key = issue(KeyScopes.UNRESTRICTED).secret().reveal();
        generate(key, "gemini-2.5-flash").statusCode(200);
        suspendTenant.execute(new SuspendTenant.Command(tenant.id(), ALICE));
        generate(key, "gemini-2.5-flash").statusCode(403).body("error.status", equalTo("PERMISSION_DENIED"))
                .body("error.message", containsString("is suspended"));
    }

    @Test
    void aRotatedKeyAndItsReplacementBothWorkDuringTheGrace() {
        IssueApiKey.Issued old = issue(KeyScopes.UNRESTRICTED);
        RotateApiKey.Result rotated = rotateApiKey.execute(new RotateApiKey.Command(tenant.id(), old.key().id(),
                Duration.ofHours(1), Optional.empty(), ALICE));
        generate(old.secret().reveal(), "gemini-2.5-flash").statusCode(200);
        generate(rotated.replacement().secret().reveal(), "gemini-2.5-flash").statusCode(200);
        assertThat(rotated.previous().expiresAt()).isPresent();
    }

    @Test
    void lastUseIsWrittenInABatchAndShownInTheKeyList() throws Exception {
        IssueApiKey.Issued key = issue(KeyScopes.UNRESTRICTED);
        generate(key.secret().reveal(), "gemini-2.5-flash").statusCode(200);
        usage.flush();
        assertThat(listApiKeys.execute(new ListApiKeys.Query(tenant.id()))).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(ApiKeyView.Status.ACTIVE);
            assertThat(v.lastUsedAt()).hasValueSatisfying(t -> assertThat(t).isAfter(start));
        });
    }

    @Test
    void adminActionsAreAuditedWithActorAndStatesAndADuplicateNameIsAConflict() {
        assertThatThrownBy(() -> createTenant.execute(new CreateTenant.Command(tenant.name().toUpperCase(),
                Optional.empty(), Optional.empty(), Map.of(), ALICE))).isInstanceOf(ConflictException.class);
        assertThat(events(AuditEventType.TENANT_CREATED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("sub-alice");
            assertThat(e.admin()).hasValueSatisfying(a -> {
                assertThat(a.actorName()).isEqualTo("Alice Admin");
                assertThat(a.sourceAddress()).isEqualTo("192.0.2.10");
                assertThat(a.after().orElseThrow()).contains("\"team\":\"qa\"");
            });
        });
    }
}
