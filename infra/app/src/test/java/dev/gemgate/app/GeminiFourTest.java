package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gemini 4 through the gateway: thinkingConfig.thinkingLevel reaches the upstream untouched, thinking tokens are
 * billed as output, thought signatures come back as Google wrote them, and argon's price change of 2026-12-01 applies
 * from that instant without a deploy.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiFourTest {
    private static final String ARGON = "/v1beta/models/gemini-4-argon:generateContent";
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Think about it\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":2048,\"thinkingConfig\":{\"thinkingLevel\":\"high\"}}}";
    /** Argon's first price holds until 2026-11-30 (V8): the tests run inside that price on any date. */
    private static final Instant BEFORE_DECEMBER = Instant.parse("2026-11-30T23:00:00Z");
    private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");

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
        tenant = createTenant.execute(new CreateTenant.Command("gemini4-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "gemini 4 test")).secret().reveal();
    }

    @AfterEach
    void resetClock() {
        ShiftableClock.reset();
    }

    private List<AuditEvent> generations() {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(AuditEventType.GENERATE_CONTENT),
                Instant.EPOCH, Instant.now().plus(Duration.ofDays(30)), 10));
    }

    @Test
    void thinkingLevelPassesUntouchedAndThinkingIsBilledAsOutput() {
        ShiftableClock.setTo(BEFORE_DECEMBER);
        GatewayTestResources.emulator().clearRecordedRequests();
        String reply = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(BODY).post(ARGON)
                .then().statusCode(200).extract().asString();

        RecordedRequest sent = GatewayTestResources.emulator().recordedRequests().getLast();
        assertThat(sent.body()).isEqualTo(BODY);
        assertThat(reply).contains("\"thoughtsTokenCount\":1024", "\"thoughtSignature\":\"");
        AuditEvent event = generations().getFirst();
        assertThat(event.usage().thoughtsTokens()).isEqualTo(1024);
        // argon until 2026-11-30: 2.00 in / 10.00 out per million; thoughts bill as output
        long expected = Math.ceilDiv(event.usage().promptTokens() * 2_000_000
                + (event.usage().candidatesTokens() + 1024) * 10_000_000, 1_000_000);
        assertThat(event.cost().micros()).isEqualTo(expected);
    }

    @Test
    void argonCostsDoubleFromTheFirstOfDecemberWithoutADeploy() {
        ShiftableClock.setTo(BEFORE_DECEMBER);
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(BODY).post(ARGON)
                .then().statusCode(200);
        ShiftableClock.setTo(DECEMBER.plusSeconds(60));
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(BODY).post(ARGON)
                .then().statusCode(200);

        List<AuditEvent> events = generations(); // newest first
        assertThat(events).hasSize(2);
        AuditEvent after = events.get(0);
        AuditEvent before = events.get(1);
        assertThat(after.usage()).isEqualTo(before.usage());
        assertThat(before.cost().micros()).isPositive();
        assertThat(after.cost().micros()).isBetween(2 * before.cost().micros() - 1, 2 * before.cost().micros());
    }

    @Test
    void aThinkingBudgetOnGeminiFourIsGooglesOwn400() {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                        + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":100}}}")
                .post(ARGON)
                .then().statusCode(400);
    }
}
