package dev.gemgate.adapter.web.gemini;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A model as the tenant reads it: the upstream's object passed through, with the fields Gemgate reads set. */
class GeminiModelJsonTest {
    @Test
    void theUpstreamsFieldsPassThroughInTheirOrderUnknownOnesIncluded() {
        Map<String, Object> google = new LinkedHashMap<>();
        google.put("name", "models/gemini-4-argon");
        google.put("version", "4.0");
        google.put("displayName", "Gemini 4 Argon");
        google.put("description", "The first Gemini 4");
        google.put("inputTokenLimit", 1_048_576);
        google.put("outputTokenLimit", 65_536);
        google.put("supportedGenerationMethods", List.of("generateContent", "countTokens"));
        google.put("temperature", 1.0);
        google.put("topP", 0.95);
        google.put("topK", 64);
        google.put("maxTemperature", 2.0);
        google.put("thinking", true);
        google.put("aFieldGoogleAddsNextYear", Map.of("levels", List.of("low", "medium", "high")));
        ModelInfo argon = new ModelInfo(ModelId.parse("gemini-4-argon"), "Gemini 4 Argon", 1_048_576, 65_536,
                List.of("generateContent", "countTokens"), google);

        String json = new String(GeminiJson.write(GeminiResource.modelJson(argon)), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"name\":\"models/gemini-4-argon\",\"version\":\"4.0\","
                + "\"displayName\":\"Gemini 4 Argon\",\"description\":\"The first Gemini 4\","
                + "\"inputTokenLimit\":1048576,\"outputTokenLimit\":65536,"
                + "\"supportedGenerationMethods\":[\"generateContent\",\"countTokens\"],"
                + "\"temperature\":1.0,\"topP\":0.95,\"topK\":64,\"maxTemperature\":2.0,\"thinking\":true,"
                + "\"aFieldGoogleAddsNextYear\":{\"levels\":[\"low\",\"medium\",\"high\"]}}");
    }

    @Test
    void withoutTheUpstreamsObjectTheTypedFieldsAreWhatSdksRead() {
        ModelInfo flash = new ModelInfo(ModelId.parse("gemini-2.5-flash"), "Gemini 2.5 Flash", 1_048_576, 65_536,
                List.of("generateContent"));
        assertThat(new String(GeminiJson.write(GeminiResource.modelJson(flash)), StandardCharsets.UTF_8)).isEqualTo(
                "{\"name\":\"models/gemini-2.5-flash\",\"displayName\":\"Gemini 2.5 Flash\",\"inputTokenLimit\":1048576,"
                        + "\"outputTokenLimit\":65536,\"supportedGenerationMethods\":[\"generateContent\"]}");
    }

    @Test
    void theNameIsAlwaysTheServedModelsResourceName() {
        Map<String, Object> google = new LinkedHashMap<>();
        google.put("name", "gemini-2.5-flash"); // an upstream that drops the prefix
        ModelInfo flash = new ModelInfo(ModelId.parse("gemini-2.5-flash"), "Flash", 0, 0, List.of(), google);
        assertThat(GeminiResource.modelJson(flash)).containsEntry("name", "models/gemini-2.5-flash");
    }
}
