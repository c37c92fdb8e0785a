package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.app.oidc.KeycloakTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The control plane end to end, as an operator and a tenant application would use it: an admin signed in at a real
 * Keycloak creates a tenant and issues a scoped key through the admin API; the official google-genai SDK, unchanged,
 * uses that key through Gemgate; the key is rotated, and the old one works through its grace period and is refused
 * after it (the clock is moved, nothing sleeps); a model outside the key's scope is refused.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class ControlPlaneSdkEndToEndTest {
    private static final String TENANTS = "/admin/api/v1/tenants";

    @TestHTTPResource("/")
    URL gateway;

    private Client sdk(String apiKey) {
        return Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build();
    }

    private static io.restassured.specification.RequestSpecification asAdmin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private String say(String apiKey, String model) {
        try (Client client = sdk(apiKey)) {
            GenerateContentResponse response = client.models.generateContent(model, "Hello", null);
            return response.text();
        }
    }

    @Test
    void anAdminOnboardsATenantWhoseKeyTheSdkUsesThroughRotationAndScope() {
        String tenant = asAdmin().body("{\"name\":\"sdk-onboarded-" + UUID.randomUUID() + "\"}").post(TENANTS)
                .then().statusCode(201).extract().path("id");
        Response issued = asAdmin().body("{\"name\":\"backend\",\"scopes\":{\"models\":[\"gemini-2.5-*\"]}}")
                .post(TENANTS + "/" + tenant + "/keys");
        issued.then().statusCode(201);
        String key = issued.path("secret");

        assertThat(say(key, "gemini-2.5-flash")).isEqualTo("Echo: Hello");
        assertThatThrownBy(() -> say(key, "gemini-3.5-flash"))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                    assertThat(e.message()).contains("gemini-3.5-flash");
                });

        Response rotated = asAdmin().body("{\"gracePeriod\":\"PT2H\"}")
                .post(TENANTS + "/" + tenant + "/keys/" + issued.path("key.id") + "/rotate");
        rotated.then().statusCode(201);
        String replacement = rotated.path("secret");
        try {
            ShiftableClock.advance(Duration.ofMinutes(119));
            assertThat(say(key, "gemini-2.5-flash")).as("the old key near the end of its grace period")
                    .isEqualTo("Echo: Hello");
            assertThat(say(replacement, "gemini-2.5-flash")).isEqualTo("Echo: Hello");
            ShiftableClock.advance(Duration.ofMinutes(2));
            assertThatThrownBy(() -> say(key, "gemini-2.5-flash"))
                    .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
            assertThat(say(replacement, "gemini-2.5-flash")).isEqualTo("Echo: Hello");
        } finally {
            ShiftableClock.reset();
        }
    }
}
