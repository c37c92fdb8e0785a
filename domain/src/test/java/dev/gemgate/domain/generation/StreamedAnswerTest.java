package dev.gemgate.domain.generation;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamedAnswerTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");

    private static GenerationResponse chunk(List<Map<String, Object>> parts, String finishReason,
                                            Map<String, Object> usage) {
        Map<String, Object> candidate = new LinkedHashMap<>();
        candidate.put("content", Map.of("role", "model", "parts", parts));
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidates", List.of(candidate));
        if (usage != null) {
            body.put("usageMetadata", usage);
        }
        body.put("modelVersion", "gemini-2.5-flash-001");
        return new GenerationResponse(FLASH, body, Usage.NONE);
    }

    @Test
    void adjacentTextIsConcatenatedWhileFunctionCallsThoughtsAndSignaturesAreKept() {
        StreamedAnswer answer = new StreamedAnswer();
        answer.add(chunk(List.of(Map.of("text", "Let me think", "thought", true)), null, null));
        answer.add(chunk(List.of(Map.of("text", " hard.", "thought", true)), null, null));
        answer.add(chunk(List.of(Map.of("text", "The answer"), Map.of("text", " is")), null, null));
        answer.add(chunk(List.of(Map.of("text", " 42.", "thoughtSignature", "c2lnLTE=")), null, null));
        answer.add(chunk(List.of(Map.of("functionCall", Map.of("name", "lookup", "args", Map.of("q", "x")),
                "thoughtSignature", "c2lnLTI="), Map.of("text", "Done")), "STOP",
                Map.of("promptTokenCount", 5, "candidatesTokenCount", 9)));

        GenerationResponse whole = answer.response(FLASH, new Usage(5, 9, 0, 0));

        assertThat(answer.isReadable()).isTrue();
        assertThat(whole.body().get("usageMetadata")).isEqualTo(Map.of("promptTokenCount", 5,
                "candidatesTokenCount", 9));
        assertThat(whole.body().get("modelVersion")).isEqualTo("gemini-2.5-flash-001");
        assertThat(whole.finishReason()).contains("STOP");
        Map<String, Object> candidate = JsonTree.asObject(JsonTree.array(whole.body(), "candidates").orElseThrow()
                .getFirst());
        assertThat(candidate.get("index")).isEqualTo(0);
        List<Object> parts = JsonTree.array(JsonTree.object(candidate, "content").orElseThrow(), "parts").orElseThrow();
        assertThat(parts).containsExactly(
                Map.of("text", "Let me think hard.", "thought", true),
                Map.of("text", "The answer is 42.", "thoughtSignature", "c2lnLTE="),
                Map.of("functionCall", Map.of("name", "lookup", "args", Map.of("q", "x")),
                        "thoughtSignature", "c2lnLTI="),
                Map.of("text", "Done"));
        assertThat(whole.text()).isEqualTo("Let me think hard.The answer is 42.Done");
        assertThat(whole.usage()).isEqualTo(new Usage(5, 9, 0, 0));
    }

    @Test
    void twoSignedTextPartsStayApart() {
        StreamedAnswer answer = new StreamedAnswer();
        answer.add(chunk(List.of(Map.of("text", "a", "thoughtSignature", "s1")), null, null));
        answer.add(chunk(List.of(Map.of("text", "b", "thoughtSignature", "s2")), "STOP", null));
        List<Object> parts = JsonTree.array(JsonTree.object(JsonTree.asObject(JsonTree.array(
                answer.response(FLASH, Usage.NONE).body(), "candidates").orElseThrow().getFirst()), "content")
                .orElseThrow(), "parts").orElseThrow();
        assertThat(parts).hasSize(2);
    }

    @Test
    void theJsonTextOfAnAnswerIsValidAndEscaped() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "a \"quote\"\n\t\\ \u0001 ü");
        body.put("n", List.of(1, 2.5, 1e-7, true, false));
        body.put("none", null);
        assertThat(JsonText.write(body)).isEqualTo(
                "{\"text\":\"a \\\"quote\\\"\\n\\t\\\\ \\u0001 ü\",\"n\":[1,2.5,1.0E-7,true,false],\"none\":null}");
    }
}
