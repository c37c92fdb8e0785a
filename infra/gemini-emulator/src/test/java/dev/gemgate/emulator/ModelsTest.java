package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsTest extends EmulatorTestBase {

    @Test
    void listsEveryKnownModelInOnePageByDefault() {
        EmulatorClient.Reply reply = client.get("/v1beta/models");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode models = reply.json().path("models");
        assertThat(models).hasSize(KnownModel.all().size());
        assertThat(reply.json().has("nextPageToken")).isFalse();
        List<String> names = new ArrayList<>();
        models.forEach(m -> names.add(m.path("name").asText()));
        assertThat(names).contains("models/gemini-2.5-pro", "models/gemini-2.5-flash", "models/gemini-2.5-flash-lite",
                "models/gemini-3.5-flash", "models/gemini-3.5-flash-lite", "models/gemini-3.6-flash",
                "models/gemini-3.7-flash", "models/gemini-3.8-flash", "models/gemini-3.1-flash-lite",
                "models/gemini-3.1-pro-preview", "models/gemini-3-flash-preview", "models/gemini-4-argon",
                "models/gemini-4-hydrogen", "models/gemini-embedding-001");
    }

    @Test
    void pagesWithPageSizeAndPageToken() {
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String path = "/v1/models?pageSize=5" + (token == null ? "" : "&pageToken=" + token);
            JsonNode page = client.get(path).json();
            assertThat(page.path("models").size()).isLessThanOrEqualTo(5);
            page.path("models").forEach(m -> names.add(m.path("name").asText()));
            token = page.hasNonNull("nextPageToken") ? page.path("nextPageToken").asText() : null;
            pages++;
        } while (token != null && pages < 10);
        assertThat(pages).isEqualTo((KnownModel.all().size() + 4) / 5);
        assertThat(names).hasSize(KnownModel.all().size()).doesNotHaveDuplicates();
    }

    @Test
    void badPageTokenIs400() {
        assertThat(client.get("/v1/models?pageToken=garbage").status()).isEqualTo(400);
    }

    @Test
    void getsOneModel() {
        JsonNode model = client.get("/v1beta/models/gemini-2.5-flash").json();
        assertThat(model.path("name").asText()).isEqualTo("models/gemini-2.5-flash");
        assertThat(model.path("displayName").asText()).isEqualTo("Gemini 2.5 Flash");
        assertThat(model.path("inputTokenLimit").asInt()).isEqualTo(1_048_576);
        assertThat(model.path("outputTokenLimit").asInt()).isEqualTo(65_536);
        assertThat(model.path("supportedGenerationMethods").toString()).contains("generateContent", "countTokens");

        JsonNode prefixed = client.get("/v1/models/models/gemini-3.8-flash").json();
        assertThat(prefixed.path("name").asText()).isEqualTo("models/gemini-3.8-flash");

        JsonNode embedding = client.get("/v1/models/gemini-embedding-001").json();
        assertThat(embedding.path("inputTokenLimit").asInt()).isEqualTo(2048);
        assertThat(embedding.path("outputTokenLimit").asInt()).isEqualTo(1);
        assertThat(embedding.path("supportedGenerationMethods").toString()).contains("embedContent")
                .doesNotContain("generateContent");
    }

    @Test
    void unknownModelIs404() {
        EmulatorClient.Reply reply = client.get("/v1beta/models/gemini-9-ultra");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().at("/error/status").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void vertexGetsAPublisherModel() {
        HttpRequest request = client.request("/v1beta1/publishers/google/models/gemini-2.5-flash")
                .header("Authorization", "Bearer fake").GET().build();
        EmulatorClient.Reply reply = client.send(request);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("name").asText()).isEqualTo("publishers/google/models/gemini-2.5-flash");
    }
}
