package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the response cache is the same whichever surface a request came through. An OpenAI-compatible chat
 * completion and the Gemini-native generateContent that asks the same thing translate into the same domain request,
 * so they share one cache entry (per tenant: another tenant asking the same thing on either surface misses), and an
 * OpenAI stream is served from it too. The emulator's request log counts the upstream calls.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class CrossSurfaceCacheTest {
    private static final String MODEL = "gemini-2.5-pro";
    private static final String TENANTS = "/admin/api/v1/tenants/";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String CACHE = "x-gemgate-cache";

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private final List<Tenant> created = new ArrayList<>();

    @AfterEach
    void removePolicies() {
        for (Tenant tenant : created) {
            given().header("Authorization", BOOTSTRAP).delete(TENANTS + tenant.id() + "/cache-policy").then()
                    .statusCode(204);
        }
    }

    private String cachedTenantKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("cross-cache-" + UUID.randomUUID()));
        created.add(tenant);
        given().header("Authorization", BOOTSTRAP).contentType(ContentType.JSON).body("{\"ttlSeconds\":300}")
                .put(TENANTS + tenant.id() + "/cache-policy").then().statusCode(200);
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "cross-surface cache")).secret().reveal();
    }

    private static String chatBody(String text, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],"
                + "\"max_completion_tokens\":64,\"temperature\":0" + (stream ? ",\"stream\":true" : "") + "}";
    }

    private static String geminiBody(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":64,\"temperature\":0}}";
    }

    private static Response chat(String key, String body) {
        Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(body)
                .post("/v1beta/openai/chat/completions");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    private static Response generate(String key, String body) {
        Response response = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(body)
                .post("/v1beta/models/" + MODEL + ":generateContent");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    private long upstreamCalls(String nonce) {
        return emulator.recordedRequests().stream().filter(r -> r.path().contains(MODEL))
                .filter(r -> r.body().contains(nonce)).count();
    }

    @Test
    void anOpenAiChatAndTheSameGeminiRequestShareOneEntryWithinTheTenantOnly() {
        String key = cachedTenantKey();
        String text = "Cross-surface question " + UUID.randomUUID();

        Response first = chat(key, chatBody(text, false));
        assertThat(first.header(CACHE)).isEqualTo("miss");
        String answer = first.jsonPath().getString("choices[0].message.content");
        assertThat(answer).isEqualTo("Echo: " + text);

        Response native_ = generate(key, geminiBody(text));
        assertThat(native_.header(CACHE)).as("the Gemini-native twin of the chat request").isEqualTo("hit");
        assertThat(native_.jsonPath().getString("candidates[0].content.parts[0].text")).isEqualTo(answer);
        assertThat(new java.math.BigDecimal(native_.header("x-gemgate-cost-usd"))).isZero();

        Response again = chat(key, chatBody(text, false));
        assertThat(again.header(CACHE)).isEqualTo("hit");
        assertThat(again.jsonPath().getString("choices[0].message.content")).isEqualTo(answer);
        assertThat(upstreamCalls(text)).as("one upstream call for three requests on two surfaces").isEqualTo(1);

        // another tenant asking the same thing, on either surface, never sees the first tenant's entry
        String other = cachedTenantKey();
        assertThat(chat(other, chatBody(text, false)).header(CACHE)).isEqualTo("miss");
        assertThat(upstreamCalls(text)).isEqualTo(2);
    }

    @Test
    void anOpenAiStreamIsServedFromAnEntryTheGeminiSurfaceStored() {
        String key = cachedTenantKey();
        String text = "Cross-surface stream " + UUID.randomUUID();
        assertThat(generate(key, geminiBody(text)).header(CACHE)).isEqualTo("miss");

        Response stream = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(chatBody(text, true)).post("/v1beta/openai/chat/completions");
        assertThat(stream.statusCode()).as(stream.asString()).isEqualTo(200);
        assertThat(stream.header(CACHE)).isEqualTo("hit");
        String events = stream.asString();
        assertThat(events).contains("\"object\":\"chat.completion.chunk\"").contains("Echo: " + text)
                .contains("\"finish_reason\":\"stop\"");
        assertThat(events.strip()).endsWith("data: [DONE]");
        assertThat(upstreamCalls(text)).isEqualTo(1);
    }
}
