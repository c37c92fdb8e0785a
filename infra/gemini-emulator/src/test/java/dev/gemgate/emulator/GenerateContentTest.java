package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateContentTest extends EmulatorTestBase {

    @Test
    void startsOnAnEphemeralPortOfLoopback() {
        assertThat(emulator.port()).isPositive();
        assertThat(emulator.baseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port());
    }

    @Test
    void echoesTheLastUserTurnWithUsageAndStop() {
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-2.5-flash:generateContent",
                EmulatorClient.userText("Hello, world!"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode candidate = reply.json().path("candidates").get(0);
        assertThat(candidate.path("content").path("role").asText()).isEqualTo("model");
        assertThat(candidate.path("content").path("parts").get(0).path("text").asText()).isEqualTo("Echo: Hello, world!");
        assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
        assertThat(candidate.path("index").asInt()).isZero();
        assertThat(candidate.path("safetyRatings")).isNotEmpty();
        assertThat(candidate.path("safetyRatings").get(0).path("probability").asText()).isEqualTo("NEGLIGIBLE");
        assertThat(candidate.has("continuationToken")).isFalse();
        JsonNode usage = reply.json().path("usageMetadata");
        assertThat(usage.path("promptTokenCount").asInt()).isEqualTo(6);
        assertThat(usage.path("candidatesTokenCount").asInt()).isEqualTo(8);
        assertThat(usage.path("totalTokenCount").asInt()).isEqualTo(14);
        assertThat(usage.path("promptTokensDetails").get(0).path("modality").asText()).isEqualTo("TEXT");
        assertThat(usage.path("promptTokensDetails").get(0).path("tokenCount").asInt()).isEqualTo(6);
        assertThat(reply.json().path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(reply.json().path("responseId").asText()).isNotBlank();
    }

    @Test
    void responseIdIsDeterministic() {
        String body = EmulatorClient.userText("same");
        String a = client.post("/v1beta/models/gemini-2.5-flash:generateContent", body).json().path("responseId").asText();
        String b = client.post("/v1beta/models/gemini-2.5-flash:generateContent", body).json().path("responseId").asText();
        assertThat(a).isEqualTo(b);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/gemini-2.5-flash:generateContent",
            "/v1beta/models/gemini-2.5-flash:generateContent",
            "/v1/models/models/gemini-2.5-flash:generateContent",
            "/v1beta/models/models/gemini-2.5-flash:generateContent",
            "/v1beta/models/gemini-2.5-flash%3AgenerateContent",
            "/v1beta/models/gemini-3.8-flash:generateContent",
            "/v1beta/models/gemini-3-flash-preview:generateContent"})
    void servesV1AndV1betaWithOrWithoutTheModelsPrefix(String path) {
        EmulatorClient.Reply reply = client.post(path, EmulatorClient.userText("ping"));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: ping");
    }

    @Test
    void truncatesToMaxOutputTokensWithMaxTokensReason() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"one two three four five six\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":4,\"temperature\":0.7,\"topK\":40.0}}";
        EmulatorClient.Reply reply = client.post("/v1/models/gemini-2.5-flash:generateContent", body);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: one two");
        assertThat(reply.json().at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(reply.json().at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(4);
    }

    @Test
    void enoughMaxOutputTokensKeepsStop() {
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"short\"}]}],\"generationConfig\":{\"maxOutputTokens\":100}}";
        EmulatorClient.Reply reply = client.post("/v1/models/gemini-2.5-flash:generateContent", body);
        assertThat(reply.json().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: short");
    }

    @Test
    void candidateCountGivesThatManyCandidatesAndBillsThemAll() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"generationConfig\":{\"candidateCount\":3}}";
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-2.5-pro:generateContent", body);
        JsonNode candidates = reply.json().path("candidates");
        assertThat(candidates).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(candidates.get(i).path("index").asInt()).isEqualTo(i);
            assertThat(candidates.get(i).at("/content/parts/0/text").asText()).isEqualTo("Echo: hi");
        }
        assertThat(reply.json().at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(3 * 3);
    }

    @Test
    void usesTheLastUserTurnAndCountsTheWholeConversationAndSystemInstruction() {
        String body = "{\"systemInstruction\":{\"role\":\"user\",\"parts\":[{\"text\":\"You are terse.\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"first\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"answer\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"text\":\"second\"},{\"text\":\"question\"}]}]}";
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-2.5-flash:generateContent", body);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: second question");
        int expected = EmulatorTokenizer.count("You are terse.") + EmulatorTokenizer.count("first")
                + EmulatorTokenizer.count("answer") + EmulatorTokenizer.count("second") + EmulatorTokenizer.count("question");
        assertThat(reply.json().at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(expected);
    }

    @Test
    void imagesCount258TokensAndGetAnImageModality() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":["
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
                + "{\"fileData\":{\"mimeType\":\"image/jpeg\",\"fileUri\":\"gs://b/x.jpg\"}}]}]}";
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-2.5-flash:generateContent", body);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: [2 parts]");
        assertThat(reply.json().at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(516);
        JsonNode details = reply.json().at("/usageMetadata/promptTokensDetails");
        assertThat(details).hasSize(1);
        assertThat(details.get(0).path("modality").asText()).isEqualTo("IMAGE");
        assertThat(details.get(0).path("tokenCount").asInt()).isEqualTo(516);

        String mixed = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe this\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}]}";
        JsonNode usage = client.post("/v1beta/models/gemini-2.5-flash:generateContent", mixed).json().path("usageMetadata");
        assertThat(usage.path("promptTokenCount").asInt()).isEqualTo(EmulatorTokenizer.count("Describe this") + 258);
        assertThat(usage.path("promptTokensDetails")).hasSize(2);
    }

    @Test
    void stopSequencesCutTheReply() {
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"alpha END beta\"}]}],"
                + "\"generationConfig\":{\"stopSequences\":[\"END\"]}}";
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-2.5-flash:generateContent", body);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: alpha ");
        assertThat(reply.json().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void acceptsTheKeyAsAQueryParameter() {
        HttpRequest request = client.request("/v1beta/models/gemini-2.5-flash:generateContent?key=qk")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("q"))).build();
        assertThat(client.send(request).status()).isEqualTo(200);
    }

    @Test
    void servesVertexPathsWithBearerOrApiKey() {
        HttpRequest vertex = client.request(
                        "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent")
                .header("Authorization", "Bearer fake")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("vertex"))).build();
        EmulatorClient.Reply reply = client.send(vertex);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: vertex");

        EmulatorClient.Reply withKey = client.post("/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent",
                EmulatorClient.userText("key"));
        assertThat(withKey.status()).isEqualTo(200);

        HttpRequest count = client.request(
                        "/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-pro:countTokens")
                .header("Authorization", "Bearer fake")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("Hello, world!"))).build();
        assertThat(client.send(count).json().path("totalTokens").asInt()).isEqualTo(6);
    }

    @Test
    void ignoresUnknownFields() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\",\"futurePartField\":1}]}],"
                + "\"someFutureField\":{\"a\":true}}";
        assertThat(client.post("/v1beta/models/gemini-2.5-flash:generateContent", body).status()).isEqualTo(200);
    }
}
