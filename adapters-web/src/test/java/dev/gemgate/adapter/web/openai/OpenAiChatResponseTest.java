package dev.gemgate.adapter.web.openai;

import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiChatResponseTest {

    private static Map<String, Object> candidate(int index, String finishReason, Object... parts) {
        return Map.of("index", index, "finishReason", finishReason,
                "content", Map.of("role", "model", "parts", List.of(parts)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstMessage(Map<String, Object> completion) {
        return (Map<String, Object>) ((Map<String, Object>) ((List<Object>) completion.get("choices")).get(0))
                .get("message");
    }

    @SuppressWarnings("unchecked")
    private static Object firstFinish(Map<String, Object> completion) {
        return ((Map<String, Object>) ((List<Object>) completion.get("choices")).get(0)).get("finish_reason");
    }

    @Test
    void aTextAnswerIsAChatCompletionWithUsageIncludingCachedAndReasoningTokens() {
        GenerationResponse response = new GenerationResponse(ModelId.parse("gemini-3.5-flash"), Map.of("candidates",
                List.of(candidate(0, "STOP", Map.of("text", "thinking...", "thought", true),
                        Map.of("text", "Hello"), Map.of("text", " world")))),
                new Usage(12, 5, 64, 4));

        Map<String, Object> completion = OpenAiChatResponse.completion(response, "chatcmpl-1", 1_700_000_000L);

        assertThat(completion).containsEntry("id", "chatcmpl-1").containsEntry("object", "chat.completion")
                .containsEntry("created", 1_700_000_000L).containsEntry("model", "gemini-3.5-flash");
        assertThat(firstMessage(completion)).containsEntry("role", "assistant").containsEntry("content", "Hello world")
                .doesNotContainKey("tool_calls");
        assertThat(firstFinish(completion)).isEqualTo("stop");
        assertThat(completion.get("usage")).isEqualTo(Map.of("prompt_tokens", 12L, "completion_tokens", 69L,
                "total_tokens", 81L, "prompt_tokens_details", Map.of("cached_tokens", 4L),
                "completion_tokens_details", Map.of("reasoning_tokens", 64L)));
    }

    @Test
    void aFunctionCallIsAToolCallCarryingItsSignatureInExtraContentAndInItsId() {
        GenerationResponse response = new GenerationResponse(ModelId.parse("gemini-3.5-flash"), Map.of("candidates",
                List.of(candidate(0, "STOP", Map.of("functionCall", Map.of("name", "get_weather",
                        "args", Map.of("city", "Paris")), "thoughtSignature", "c2ln")))), Usage.NONE);

        Map<String, Object> completion = OpenAiChatResponse.completion(response, "chatcmpl-1", 0);

        Map<String, Object> message = firstMessage(completion);
        assertThat(message).containsEntry("content", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> call = ((List<Map<String, Object>>) message.get("tool_calls")).get(0);
        assertThat(call).containsEntry("type", "function")
                .containsEntry("function", Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}"))
                .containsEntry("extra_content", Map.of("google", Map.of("thought_signature", "c2ln")));
        assertThat((String) call.get("id")).startsWith("call_chatcmpl-1_0_0").endsWith("__thought__c2ln");
        assertThat(firstFinish(completion)).isEqualTo("tool_calls");
        // and back: either carrier gives the signature
        assertThat(ToolCallIds.signature(Map.of("id", call.get("id")))).hasValue("c2ln");
        assertThat(ToolCallIds.signature(Map.of("id", "call_x", "extra_content", call.get("extra_content"))))
                .hasValue("c2ln");
        assertThat(ToolCallIds.signature(Map.of("id", "call_x"))).isEmpty();
    }

    @Test
    void finishReasonsMapToOpenAis() {
        assertThat(OpenAiChatResponse.finishReason("STOP")).isEqualTo("stop");
        assertThat(OpenAiChatResponse.finishReason("MAX_TOKENS")).isEqualTo("length");
        for (String blocked : List.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII")) {
            assertThat(OpenAiChatResponse.finishReason(blocked)).isEqualTo("content_filter");
        }
        assertThat(OpenAiChatResponse.finishReason("OTHER")).isEqualTo("stop");
        GenerationResponse blockedPrompt = new GenerationResponse(ModelId.parse("gemini-2.5-flash"),
                Map.of("promptFeedback", Map.of("blockReason", "SAFETY")), Usage.NONE);
        Map<String, Object> completion = OpenAiChatResponse.completion(blockedPrompt, "c", 0);
        assertThat(firstFinish(completion)).isEqualTo("content_filter");
    }

    @Test
    void severalCandidatesAreSeveralChoices() {
        GenerationResponse response = new GenerationResponse(ModelId.parse("gemini-2.5-flash"), Map.of("candidates",
                List.of(candidate(0, "STOP", Map.of("text", "a")), candidate(1, "MAX_TOKENS", Map.of("text", "b")))),
                Usage.NONE);
        List<OpenAiChatResponse.Choice> choices = OpenAiChatResponse.choices(response.body(), "c", 0);
        assertThat(choices).extracting(OpenAiChatResponse.Choice::index).containsExactly(0, 1);
        assertThat(choices).extracting(OpenAiChatResponse.Choice::text).containsExactly("a", "b");
        assertThat(choices.get(1).finishReason()).hasValue("length");
    }
}
