package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {

    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().acceptedApiKeys(Set.of(EmulatorClient.KEY, "token-ok")).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static JsonNode assertError(EmulatorClient.Reply reply, int code, String status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(code);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode error = reply.json().path("error");
        assertThat(error.path("code").asInt()).isEqualTo(code);
        assertThat(error.path("status").asText()).isEqualTo(status);
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }

    @Test
    void missingKeyIs403PermissionDenied() {
        EmulatorClient.Reply reply = client.send(client.request(GENERATE)
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
        JsonNode error = assertError(reply, 403, "PERMISSION_DENIED");
        assertThat(error.path("message").asText()).startsWith("Method doesn't allow unregistered callers");
    }

    @Test
    void emptyKeyIsLikeNoKey() {
        EmulatorClient.Reply reply = client.send(client.request(GENERATE).header("x-goog-api-key", "")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
        assertError(reply, 403, "PERMISSION_DENIED");
    }

    @Test
    void unknownKeyIs400ApiKeyInvalid() {
        EmulatorClient.Reply reply = client.send(client.request(GENERATE).header("x-goog-api-key", "wrong")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
        JsonNode error = assertError(reply, 400, "INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).isEqualTo("API key not valid. Please pass a valid API key.");
        assertThat(error.path("details").get(0).path("@type").asText()).isEqualTo("type.googleapis.com/google.rpc.ErrorInfo");
        assertThat(error.path("details").get(0).path("reason").asText()).isEqualTo("API_KEY_INVALID");

        EmulatorClient.Reply query = client.send(client.request(GENERATE + "?key=wrong")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build());
        assertError(query, 400, "INVALID_ARGUMENT");
    }

    @Test
    void vertexWithoutOrWithAWrongTokenIs401() {
        String path = "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent";
        assertError(client.send(client.request(path).POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x")))
                .build()), 401, "UNAUTHENTICATED");
        assertError(client.send(client.request(path).header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build()), 401, "UNAUTHENTICATED");
        assertThat(client.send(client.request(path).header("Authorization", "Bearer token-ok")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("x"))).build()).status()).isEqualTo(200);
    }

    @Test
    void badJsonIs400() {
        assertError(client.post(GENERATE, "{\"contents\": [oops"), 400, "INVALID_ARGUMENT");
        assertError(client.post(GENERATE, "[1,2]"), 400, "INVALID_ARGUMENT");
    }

    @Test
    void missingOrEmptyContentsIs400() {
        assertError(client.post(GENERATE, "{}"), 400, "INVALID_ARGUMENT");
        assertError(client.post(GENERATE, ""), 400, "INVALID_ARGUMENT");
        assertError(client.post(GENERATE, "{\"contents\":[]}"), 400, "INVALID_ARGUMENT");
        assertError(client.post(GENERATE, "{\"contents\":[{\"role\":\"user\",\"parts\":[]}]}"), 400, "INVALID_ARGUMENT");
        assertError(client.post(GENERATE, "{\"contents\":[{\"role\":\"robot\",\"parts\":[{\"text\":\"x\"}]}]}"),
                400, "INVALID_ARGUMENT");
        assertError(client.post(GENERATE.replace("gemini-2.5-flash:generateContent", "gemini-2.5-flash:streamGenerateContent?alt=sse"),
                "{}"), 400, "INVALID_ARGUMENT");
    }

    @Test
    void badCandidateCountIs400() {
        assertError(client.post(GENERATE, "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":{\"candidateCount\":9}}"),
                400, "INVALID_ARGUMENT");
    }

    @Test
    void unknownModelIs404WithGooglesMessage() {
        JsonNode error = assertError(client.post("/v1beta/models/gemini-9-ultra:generateContent", EmulatorClient.userText("x")),
                404, "NOT_FOUND");
        assertThat(error.path("message").asText()).startsWith(
                "models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent");

        JsonNode v1 = assertError(client.post("/v1/models/models/gemini-2.0-flash:generateContent", EmulatorClient.userText("x")),
                404, "NOT_FOUND");
        assertThat(v1.path("message").asText()).startsWith("models/gemini-2.0-flash is not found for API version v1,");
    }

    @Test
    void generateOnTheEmbeddingModelAndEmbedOnAChatModelAre404() {
        assertError(client.post("/v1beta/models/gemini-embedding-001:generateContent", EmulatorClient.userText("x")),
                404, "NOT_FOUND");
        assertError(client.post("/v1beta/models/gemini-2.5-flash:embedContent", "{\"content\":{\"parts\":[{\"text\":\"x\"}]}}"),
                404, "NOT_FOUND");
    }

    @Test
    void unknownPathIs404() {
        assertError(client.post("/v1beta/models/gemini-2.5-flash:fooBar", "{}"), 404, "NOT_FOUND");
        assertError(client.get("/v2/models"), 404, "NOT_FOUND");
        assertError(client.get("/"), 404, "NOT_FOUND");
        assertError(client.get("/v1beta/tunedModels/x"), 404, "NOT_FOUND");
    }

    @Test
    void wrongMethodIs405InTheEnvelope() {
        JsonNode error = assertError(client.get(GENERATE), 405, "INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).contains("POST");
        assertError(client.post("/v1beta/models", "{}"), 405, "INVALID_ARGUMENT");
        assertError(client.send(client.request("/v1beta/models/gemini-2.5-flash").header("x-goog-api-key", EmulatorClient.KEY)
                .DELETE().build()), 405, "INVALID_ARGUMENT");
    }

    @Test
    void inputOverTheModelLimitIs400() {
        String huge = "a ".repeat(KnownModel.GENERATION_INPUT_LIMIT + 1);
        JsonNode error = assertError(client.post(GENERATE, EmulatorClient.userText(huge)), 400, "INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).contains("exceeds the maximum number of tokens allowed (1048576)");
    }
}
