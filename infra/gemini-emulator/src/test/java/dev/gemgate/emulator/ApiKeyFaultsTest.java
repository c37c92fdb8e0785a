package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faults scoped to one credential: one key of a pool stops working, the others go on. */
class ApiKeyFaultsTest {

    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    static final String PRO = "/v1beta/models/gemini-2.5-pro:generateContent";
    static final String K1 = "pool-key-one-1111";
    static final String K2 = "pool-key-two-2222";

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void clear() {
        emulator.faults().clear();
    }

    EmulatorClient.Reply call(String path, String key) {
        return client.send(client.request(path).header("x-goog-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
    }

    @Test
    void aKeyScopedRejectionAnswers403ConsumerSuspendedForThatKeyOnlyAndNeverEchoesTheKey() {
        emulator.faults().forApiKey(K2).reject(-1, 403);

        for (int i = 0; i < 3; i++) {
            EmulatorClient.Reply refused = call(GENERATE, K2);
            assertThat(refused.status()).isEqualTo(403);
            JsonNode error = refused.json().path("error");
            assertThat(error.path("code").asInt()).isEqualTo(403);
            assertThat(error.path("status").asText()).isEqualTo("PERMISSION_DENIED");
            assertThat(error.path("message").asText())
                    .isEqualTo("Permission denied: Consumer 'api_key:...2222' has been suspended.");
            JsonNode info = FaultsTest.find(error.path("details"), "type.googleapis.com/google.rpc.ErrorInfo");
            assertThat(info.path("reason").asText()).isEqualTo("CONSUMER_SUSPENDED");
            assertThat(info.at("/metadata/service").asText()).isEqualTo("generativelanguage.googleapis.com");
            assertThat(refused.body()).doesNotContain(K2);

            assertThat(call(GENERATE, K1).status()).isEqualTo(200);
        }
        assertThat(emulator.faults().pending()).singleElement()
                .satisfies(f -> assertThat(f.apiKey()).isEqualTo(K2))
                .satisfies(f -> assertThat(f.times()).isEqualTo(-1));
    }

    @Test
    void theKeyIsMatchedInTheQueryAndAsABearerTokenToo() {
        emulator.faults().forApiKey(K2).serverError(2, 403);

        EmulatorClient.Reply byQuery = client.send(client.request(GENERATE + "?key=" + K2)
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
        assertThat(byQuery.status()).isEqualTo(403);
        assertThat(byQuery.json().at("/error/message").asText()).contains("'api_key:...2222'");

        EmulatorClient.Reply byBearer = client.send(client.request(GENERATE).header("Authorization", "Bearer " + K2)
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
        assertThat(byBearer.status()).isEqualTo(403);
        assertThat(byBearer.json().at("/error/status").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(byBearer.json().at("/error/message").asText()).isEqualTo("The caller does not have permission");
        assertThat(byBearer.body()).doesNotContain(K2);

        assertThat(call(GENERATE, K2).status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void a401IsUnauthenticatedWithGooglesMessage() {
        emulator.faults().forApiKey(K1).reject(1, 401);

        assertThat(call(GENERATE, K2).status()).isEqualTo(200);
        EmulatorClient.Reply refused = call(GENERATE, K1);
        assertThat(refused.status()).isEqualTo(401);
        JsonNode error = refused.json().path("error");
        assertThat(error.path("status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(error.path("message").asText()).startsWith("Request had invalid authentication credentials.");
        assertThat(FaultsTest.find(error.path("details"), "type.googleapis.com/google.rpc.ErrorInfo")
                .path("reason").asText()).isEqualTo("ACCESS_TOKEN_EXPIRED");
        assertThat(refused.body()).doesNotContain(K1);
        assertThat(call(GENERATE, K1).status()).isEqualTo(200);
    }

    @Test
    void rejectTakesOnly401Or403() {
        assertThatThrownBy(() -> emulator.faults().reject(1, 500)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().forApiKey(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(emulator.faults().pending()).isEmpty();
    }

    @Test
    void keyAndModelScopesCombineInEitherOrderAndScopedViewsListAndClearOnlyTheirFaults() {
        emulator.faults().forApiKey(K2).forModel("gemini-2.5-pro").serverError(-1, 503);
        emulator.faults().forModel("models/gemini-2.5-pro").forApiKey(K1).serverError(-1, 500);
        emulator.faults().forApiKey(K1).latency(-1, Duration.ZERO);

        assertThat(call(GENERATE, K2).status()).isEqualTo(200);
        assertThat(call(PRO, K2).status()).isEqualTo(503);
        assertThat(call(PRO, K1).status()).isEqualTo(500);
        assertThat(call(PRO, "another-key").status()).isEqualTo(200);

        FaultPlan k1 = emulator.faults().forApiKey(K1);
        assertThat(k1.apiKey()).isEqualTo(K1);
        assertThat(k1.pending()).extracting(FaultPlan.Fault::type)
                .containsExactly(FaultPlan.Type.SERVER_ERROR, FaultPlan.Type.LATENCY);
        assertThat(emulator.faults().forModel("gemini-2.5-pro").pending()).hasSize(2);
        assertThat(k1.forModel("gemini-2.5-pro").pending()).singleElement()
                .satisfies(f -> assertThat(f.httpStatus()).isEqualTo(500));

        k1.forModel("gemini-2.5-pro").clear();
        assertThat(emulator.faults().pending()).extracting(FaultPlan.Fault::apiKey).containsExactly(K2, K1);
        k1.clear();
        assertThat(emulator.faults().pending()).singleElement()
                .satisfies(f -> assertThat(f.apiKey()).isEqualTo(K2));
        assertThat(call(PRO, K1).status()).isEqualTo(200);
    }

    @Test
    void overHttpAFaultNamesItsApiKeyListedMaskedAndDeletedByKey() {
        EmulatorClient.Reply added = control("POST", "/emulator/faults",
                "[{\"type\":\"SERVER_ERROR\",\"times\":-1,\"status\":403,\"apiKey\":\"" + K2 + "\"},"
                        + "{\"type\":\"SERVER_ERROR\",\"times\":-1,\"status\":401,\"apiKey\":\"" + K1 + "\","
                        + "\"model\":\"gemini-2.5-pro\"},"
                        + "{\"type\":\"LATENCY\",\"times\":-1,\"delayMillis\":0}]");
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json().get(0).path("apiKey").asText()).isEqualTo("...2222");
        assertThat(added.json().get(1).path("apiKey").asText()).isEqualTo("...1111");
        assertThat(added.json().get(2).has("apiKey")).isFalse();
        assertThat(added.body()).doesNotContain(K1).doesNotContain(K2);
        assertThat(emulator.faults().pending().get(0).apiKey()).isEqualTo(K2);

        assertThat(call(GENERATE, K2).status()).isEqualTo(403);
        assertThat(call(GENERATE, K1).status()).isEqualTo(200);
        assertThat(call(PRO, K1).status()).isEqualTo(401);

        JsonNode left = control("DELETE", "/emulator/faults?apiKey=" + K2, null).json();
        assertThat(left).hasSize(2);
        assertThat(call(GENERATE, K2).status()).isEqualTo(200);
        assertThat(control("DELETE", "/emulator/faults?apiKey=" + K1 + "&model=gemini-2.5-flash", null).json())
                .hasSize(2);
        assertThat(control("DELETE", "/emulator/faults?model=gemini-2.5-pro&apiKey=" + K1, null).json()).hasSize(1);
        assertThat(call(PRO, K1).status()).isEqualTo(200);
    }

    EmulatorClient.Reply control(String method, String path, String body) {
        HttpRequest.Builder builder = client.request(path);
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(builder.build());
    }
}
