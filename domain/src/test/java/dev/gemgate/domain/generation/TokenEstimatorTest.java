package dev.gemgate.domain.generation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimatorTest {
    @Test
    void countsWordPiecesAndPunctuation() {
        assertThat(TokenEstimator.countText("")).isZero();
        assertThat(TokenEstimator.countText("Hello")).isEqualTo(2);          // 5 letters: 2 pieces of 4
        assertThat(TokenEstimator.countText("Hi there!")).isEqualTo(1 + 2 + 1);
        assertThat(TokenEstimator.countText("a b c")).isEqualTo(3);
    }

    @Test
    void estimatesInputWithMediaAndOutputFromTheCeiling() {
        GenerationRequest request = new GenerationRequest(ModelId.parse("gemini-2.5-flash"), Map.of(
                "contents", List.of(Map.of("parts", List.of(Map.of("text", "Describe"),
                        Map.of("inlineData", Map.of("mimeType", "image/png", "data", "AAAA"))))),
                "systemInstruction", Map.of("parts", List.of(Map.of("text", "terse"))),
                "generationConfig", Map.of("maxOutputTokens", 100, "candidateCount", 2)));
        TokenEstimator estimator = new TokenEstimator();
        assertThat(estimator.estimateInput(request)).isEqualTo(2 + TokenEstimator.TOKENS_PER_MEDIA_PART + 2);
        assertThat(estimator.estimateOutput(request, 8192)).isEqualTo(200);
    }
}
