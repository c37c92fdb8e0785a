package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiModelsJsonTest {
    private static final ModelInfo FLASH = new ModelInfo(ModelId.parse("gemini-2.5-flash"), "Gemini 2.5 Flash",
            1_048_576, 65_536, List.of("generateContent"), Map.of("version", "001"));
    private static final ModelInfo EMBEDDING = new ModelInfo(ModelId.parse("gemini-embedding-001"),
            "Gemini Embedding 001", 2048, 1, List.of("embedContent"));

    @Test
    void theListIsOpenAisWithGooglesResourceNamesAsIds() {
        String json = new String(GeminiJson.write(OpenAiModelsJson.list(List.of(FLASH, EMBEDDING))),
                StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"object\":\"list\",\"data\":["
                + "{\"id\":\"models/gemini-2.5-flash\",\"object\":\"model\",\"created\":0,\"owned_by\":\"google\"},"
                + "{\"id\":\"models/gemini-embedding-001\",\"object\":\"model\",\"created\":0,"
                + "\"owned_by\":\"google\"}]}");
    }

    @Test
    void anEmptyListHasAnEmptyData() {
        assertThat(OpenAiModelsJson.list(List.of())).isEqualTo(Map.of("object", "list", "data", List.of()));
    }

    @Test
    void aModelIsNamedWithOrWithoutItsPrefix() {
        assertThat(OpenAiModelsJson.modelId("gemini-2.5-flash")).isEqualTo(FLASH.id());
        assertThat(OpenAiModelsJson.modelId("models/gemini-2.5-flash")).isEqualTo(FLASH.id());
        assertThatThrownBy(() -> OpenAiModelsJson.modelId("models/models/gemini-2.5-flash"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> OpenAiModelsJson.modelId("gpt 4"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("'gpt 4'");
    }
}
