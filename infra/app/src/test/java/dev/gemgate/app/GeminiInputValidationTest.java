package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on every Gemini method that sends contents upstream: a precise 400 INVALID_ARGUMENT in Gemini's envelope,
 * nothing sent upstream (the emulator records every request it gets) and nothing charged (any audit event is
 * INVALID_REQUEST at zero cost).
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiInputValidationTest {
    private static final String PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    private Tenant tenant;
    private String key;

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("input-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "input test")).secret().reveal();
    }

    private Response post(String method, String body) {
        GatewayTestResources.emulator().clearRecordedRequests();
        var request = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body);
        if (method.startsWith("stream")) {
            request.queryParam("alt", "sse");
        }
        return request.post("/v1beta/models/gemini-2.5-flash:" + method);
    }

    private void assertRefusedBeforeTheUpstream(Response response, String messagePart) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.jsonPath().getInt("error.code")).isEqualTo(400);
        assertThat(response.jsonPath().getString("error.status")).isEqualTo("INVALID_ARGUMENT");
        assertThat(response.jsonPath().getString("error.message")).contains(messagePart);
        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();
        List<AuditEvent> events = auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.empty(),
                Instant.EPOCH, Instant.now().plusSeconds(60), 10)).stream().filter(e -> e.admin().isEmpty()).toList();
        assertThat(events).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.INVALID_REQUEST);
            assertThat(e.cost().micros()).isZero();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"generateContent", "streamGenerateContent", "countTokens"})
    void emptyContentsAreRefused(String method) {
        assertRefusedBeforeTheUpstream(post(method, "{\"contents\":[]}"), "contents must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"generateContent", "streamGenerateContent", "countTokens"})
    void corruptBase64IsRefusedNamingThePart(String method) {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"look\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo*AAAA\"}}]}]}";
        assertRefusedBeforeTheUpstream(post(method, body), "contents[0].parts[1].inlineData.data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamGenerateContent"})
    void anOversizedRequestIsRefused(String method) {
        // 21 MiB decoded: over the default 20 MiB inline limit (and the body limit derived from it)
        String data = "A".repeat(28 * 1024 * 1024);
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\","
                + "\"data\":\"" + data + "\"}}]}]}";
        assertRefusedBeforeTheUpstream(post(method, body), "exceeds the limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedContent", "batchEmbedContents"})
    void anEmbeddingRequestWithoutContentIsRefused(String method) {
        GatewayTestResources.emulator().clearRecordedRequests();
        Response response = given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(method.equals("embedContent") ? "{\"taskType\":\"RETRIEVAL_QUERY\"}" : "{\"requests\":[]}")
                .post("/v1beta/models/gemini-embedding-001:" + method);
        assertRefusedBeforeTheUpstream(response, method.equals("embedContent") ? "content is not specified"
                : "requests must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"generateContent", "streamGenerateContent"})
    void aValidImageIsAccepted(String method) {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"look\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + PNG_1X1 + "\"}}]}]}";
        assertThat(post(method, body).statusCode()).isEqualTo(200);
        assertThat(GatewayTestResources.emulator().recordedRequests()).hasSize(1);
    }
}
