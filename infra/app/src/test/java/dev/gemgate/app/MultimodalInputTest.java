package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.fakes.MediaSamples;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.gemgate.domain.fakes.MediaSamples.base64;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Inline media through the real HTTP surface: checked by its bytes and sized per model before the upstream. */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class MultimodalInputTest {
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
        tenant = createTenant.execute(new CreateTenant.Command("media-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "media test")).secret().reveal();
        GatewayTestResources.emulator().clearRecordedRequests();
    }

    private static String body(String mimeType, byte[] data) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe\"},{\"inlineData\":{\"mimeType\":\""
                + mimeType + "\",\"data\":\"" + base64(data) + "\"}}]}]}";
    }

    private static String generate(String model) {
        return "/v1beta/models/" + model + ":generateContent";
    }

    private List<AuditEvent> audited() {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(AuditEventType.GENERATE_CONTENT),
                Instant.EPOCH, Instant.now().plusSeconds(60), 10));
    }

    @Test
    void aJpegDeclaredAsPngIsRefusedInGeminisEnvelopeWithNothingSentUpstreamAndNothingCharged() {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(body("image/png", MediaSamples.jpeg(8, 8))).post(generate("gemini-2.5-flash"))
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error.code", equalTo(400))
                .body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", equalTo("contents[0].parts[1].inlineData: declared image/png but the data is"
                        + " not a PNG image (looks like image/jpeg)"));

        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();
        assertThat(audited()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.INVALID_REQUEST);
            assertThat(e.cost()).isEqualTo(Money.ZERO);
        });
    }

    @Test
    void audioPromptTokensAreChargedAtTheModelsAudioRate() {
        // gemini-2.5-flash: 0.30 per 1M text/image/video tokens, 1.00 per 1M audio tokens (V13), 2.50 per 1M output
        io.restassured.response.Response response = given().header("x-goog-api-key", key)
                .contentType(ContentType.JSON).body(body("audio/wav", MediaSamples.wav(2.0, 16_000, 1, 16)))
                .post(generate("gemini-2.5-flash"));
        response.then().statusCode(200);
        long prompt = response.jsonPath().getLong("usageMetadata.promptTokenCount");
        long audio = response.jsonPath().getLong(
                "usageMetadata.promptTokensDetails.find { it.modality == 'AUDIO' }.tokenCount");
        long output = response.jsonPath().getLong("usageMetadata.candidatesTokenCount");
        assertThat(audio).isPositive().isLessThan(prompt);

        long expected = Math.ceilDiv((prompt - audio) * 300_000 + audio * 1_000_000 + output * 2_500_000, 1_000_000);
        assertThat(audited()).singleElement().satisfies(e -> {
            assertThat(e.usage().promptTokens()).isEqualTo(prompt);
            assertThat(e.cost().micros()).isEqualTo(expected)
                    .isGreaterThan(Math.ceilDiv(prompt * 300_000 + output * 2_500_000, 1_000_000));
        });
    }

    @Test
    void aRealImageReachesTheUpstreamByteForByte() {
        String data = base64(MediaSamples.png(640, 480));
        given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(body("image/png", MediaSamples.png(640, 480))).post(generate("gemini-2.5-flash"))
                .then().statusCode(200).body("candidates[0].content.parts[0].text", equalTo("Echo: Describe"));

        assertThat(GatewayTestResources.emulator().recordedRequests()).singleElement()
                .extracting(RecordedRequest::body).asString().contains("\"data\":\"" + data + "\"");
        assertThat(audited()).singleElement().extracting(AuditEvent::outcome).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void aModelsOwnInlineLimitIsEnforcedBeforeTheUpstream() {
        // gemini-3.8-flash has a 4 KiB inline limit in the test profile; the default (20 MiB) applies to the rest
        byte[] image = MediaSamples.concat(MediaSamples.png(1, 1), new byte[8 * 1024]);
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body("image/png", image))
                .post(generate("gemini-3.8-flash"))
                .then().statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", equalTo("Request payload size exceeds the limit: inline data is "
                        + image.length + " bytes, the limit for gemini-3.8-flash is 4096 bytes. Send larger files"
                        + " with the Files API (fileData)."));
        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();

        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body("image/png", image))
                .post(generate("gemini-2.5-flash")).then().statusCode(200);
        assertThat(GatewayTestResources.emulator().recordedRequests()).hasSize(1);
    }

    @Test
    void aTypeGeminiDoesNotTakeIsNamedOnItsField() {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(body("image/gif", MediaSamples.gif(2, 2))).post(generate("gemini-2.5-flash"))
                .then().statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", org.hamcrest.Matchers.startsWith("contents[0].parts[1].inlineData.mimeType:"
                        + " image/gif is not a type Gemini accepts as inline data"));
        assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();
    }
}
