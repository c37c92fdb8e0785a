package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class CountTokensAndEmbeddingsTest extends EmulatorTestBase {

    @Test
    void countTokensEqualsGeneratePromptTokenCount() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"How many tokens is this, 42?\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}]}";
        JsonNode generated = client.post("/v1/models/gemini-2.5-flash:generateContent", body).json();
        EmulatorClient.Reply count = client.post("/v1/models/gemini-2.5-flash:countTokens", body);

        assertThat(count.status()).isEqualTo(200);
        assertThat(count.json().path("totalTokens").asInt())
                .isEqualTo(generated.at("/usageMetadata/promptTokenCount").asInt())
                .isEqualTo(EmulatorTokenizer.count("How many tokens is this, 42?") + 258);
        assertThat(count.json().path("promptTokensDetails")).hasSize(2);
    }

    @Test
    void countTokensAcceptsAGenerateContentRequestWithSystemInstruction() {
        String body = "{\"generateContentRequest\":{\"model\":\"models/gemini-2.5-flash\","
                + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello, world!\"}]}]}}";
        EmulatorClient.Reply count = client.post("/v1beta/models/gemini-2.5-flash:countTokens", body);
        assertThat(count.json().path("totalTokens").asInt()).isEqualTo(EmulatorTokenizer.count("Be brief.") + 6);
    }

    @Test
    void countTokensWithoutContentsIs400() {
        assertThat(client.post("/v1beta/models/gemini-2.5-flash:countTokens", "{}").status()).isEqualTo(400);
    }

    @Test
    void embedContentGives3072DimensionUnitVectors() {
        String body = "{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}";
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-embedding-001:embedContent", body);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode values = reply.json().at("/embedding/values");
        assertThat(values).hasSize(3072);
        assertThat(norm(values)).isBetween(0.999, 1.001);
        assertThat(values.get(0).floatValue()).isEqualTo(EmulatorEmbeddings.embed("hello", 3072)[0]);

        JsonNode again = client.post("/v1beta/models/gemini-embedding-001:embedContent", body).json().at("/embedding/values");
        assertThat(again).isEqualTo(values);
    }

    @Test
    void embedContentHonoursOutputDimensionality() {
        String body = "{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":768}";
        JsonNode values = client.post("/v1/models/models/gemini-embedding-001:embedContent", body).json().at("/embedding/values");
        assertThat(values).hasSize(768);
        assertThat(norm(values)).isBetween(0.999, 1.001);

        String tooBig = "{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":4000}";
        assertThat(client.post("/v1/models/gemini-embedding-001:embedContent", tooBig).status()).isEqualTo(400);
    }

    @Test
    void batchEmbedContentsGivesOneEmbeddingPerRequest() {
        String body = "{\"requests\":["
                + "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                + "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"b\"}]},"
                + "\"taskType\":\"RETRIEVAL_DOCUMENT\",\"title\":\"t\",\"outputDimensionality\":256}]}";
        EmulatorClient.Reply reply = client.post("/v1/models/gemini-embedding-001:batchEmbedContents", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode embeddings = reply.json().path("embeddings");
        assertThat(embeddings).hasSize(2);
        assertThat(embeddings.get(0).path("values")).hasSize(3072);
        assertThat(embeddings.get(1).path("values")).hasSize(256);
        assertThat(embeddings.get(0).path("values")).isNotEqualTo(embeddings.get(1).path("values"));
    }

    @Test
    void batchEmbedContentsRejectsEmptyAndMismatchedRequests() {
        assertThat(client.post("/v1/models/gemini-embedding-001:batchEmbedContents", "{\"requests\":[]}").status())
                .isEqualTo(400);
        String other = "{\"requests\":[{\"model\":\"models/gemini-2.5-flash\",\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}";
        assertThat(client.post("/v1/models/gemini-embedding-001:batchEmbedContents", other).status()).isEqualTo(400);
        String noParts = "{\"requests\":[{\"content\":{\"parts\":[]}}]}";
        assertThat(client.post("/v1/models/gemini-embedding-001:batchEmbedContents", noParts).status()).isEqualTo(400);
    }

    @Test
    void vertexPredictEmbeds() {
        HttpRequest request = client.request(
                        "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-embedding-001:predict")
                .header("Authorization", "Bearer fake")
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[{\"content\":\"hello world\"}],"
                        + "\"parameters\":{\"outputDimensionality\":128}}")).build();
        EmulatorClient.Reply reply = client.send(request);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode embeddings = reply.json().at("/predictions/0/embeddings");
        assertThat(embeddings.path("values")).hasSize(128);
        assertThat(embeddings.at("/statistics/token_count").asInt()).isEqualTo(EmulatorTokenizer.count("hello world"));
        assertThat(embeddings.at("/statistics/truncated").asBoolean()).isFalse();
    }

    private static double norm(JsonNode values) {
        double sum = 0;
        for (JsonNode v : values) {
            sum += v.doubleValue() * v.doubleValue();
        }
        return Math.sqrt(sum);
    }
}
