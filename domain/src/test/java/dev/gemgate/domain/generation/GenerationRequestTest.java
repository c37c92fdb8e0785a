package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationRequestTest {
    private static final ModelId FLASH = ModelId.parse("models/gemini-2.5-flash");

    private static Map<String, Object> text(String t) {
        return Map.of("role", "user", "parts", List.of(Map.of("text", t)));
    }

    @Test
    void readsTypedViewsAndKeepsUnknownFields() {
        Map<String, Object> body = Map.of(
                "contents", List.of(text("Hello"), text("again")),
                "systemInstruction", Map.of("role", "user", "parts", List.of(Map.of("text", "Be terse"))),
                "generationConfig", Map.of("maxOutputTokens", 64.0, "candidateCount", 2, "futureKnob", true),
                "someFutureField", List.of(1, 2));
        GenerationRequest request = new GenerationRequest(FLASH, body);

        assertThat(request.model().value()).isEqualTo("gemini-2.5-flash");
        assertThat(request.contents()).hasSize(2);
        assertThat(request.contents().get(1).text()).isEqualTo("again");
        assertThat(request.systemInstruction()).map(Content::text).hasValue("Be terse");
        assertThat(request.maxOutputTokens().getAsLong()).isEqualTo(64);
        assertThat(request.candidateCount()).isEqualTo(2);
        assertThat(request.body()).containsEntry("someFutureField", List.of(1, 2));
    }

    @Test
    void inlineDataIsMeasuredWithoutDecoding() {
        Map<String, Object> body = Map.of("contents", List.of(Map.of("parts", List.of(
                Map.of("inlineData", Map.of("mimeType", "image/png", "data", "aGVsbG8=")))))); // "hello"
        assertThat(new GenerationRequest(FLASH, body).inlineBytes()).isEqualTo(5);
    }

    @Test
    void refusesWhatGeminiWouldRefuseWithAPreciseReason() {
        assertRefused(Map.of(), "contents is not specified");
        assertRefused(Map.of("contents", List.of()), "contents must not be empty");
        assertRefused(Map.of("contents", "hi"), "contents must be a list");
        assertRefused(Map.of("contents", List.of(Map.of("parts", List.of()))), "contents[0].parts must not be empty");
        assertRefused(Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", 5))))),
                "contents[0].parts[0].text must be a string");
        assertRefused(Map.of("contents", List.of(Map.of("parts", List.of(Map.of("inlineData",
                Map.of("mimeType", "image/png", "data", "not base64!")))))), "inlineData.data is not valid base64");
        assertRefused(Map.of("contents", List.of(text("x")), "generationConfig", Map.of("maxOutputTokens", 0)),
                "maxOutputTokens must be a whole number");
        assertRefused(Map.of("contents", List.of(text("x")), "generationConfig", Map.of("temperature", 3)),
                "temperature must be a number from 0 to 2");
        assertRefused(Map.of("contents", List.of(text("x")), "generationConfig", Map.of("candidateCount", 9)),
                "candidateCount must be a whole number from 1 to 8");
    }

    private static void assertRefused(Map<String, Object> body, String reason) {
        assertThatThrownBy(() -> new GenerationRequest(FLASH, body))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void base64CheckAcceptsBothAlphabetsAndPadding() {
        assertThat(GenerationRequest.isBase64("aGVsbG8=")).isTrue();
        assertThat(GenerationRequest.isBase64("-_-_")).isTrue();
        assertThat(GenerationRequest.isBase64("aGVsbG8")).isFalse();
        assertThat(GenerationRequest.isBase64("aG=sbG8=")).isFalse();
    }

    @Test
    void modelNamesAcceptTheModelsPrefixOnly() {
        assertThat(ModelId.parse("models/gemini-3.5-flash").resourceName()).isEqualTo("models/gemini-3.5-flash");
        assertThat(ModelId.isValid("../etc/passwd")).isFalse();
        assertThat(ModelId.isValid("Gemini Flash")).isFalse();
    }
}
