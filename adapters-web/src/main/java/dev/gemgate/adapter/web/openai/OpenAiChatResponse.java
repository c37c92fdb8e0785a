package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.Usage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Gemini GenerateContentResponse as OpenAI's {@code chat.completion} (and, piece by piece, its stream chunks): one
 * choice per candidate, the text of its parts (thought summaries left out), each {@code functionCall} as a tool call
 * carrying its {@code thoughtSignature} ({@link ToolCallIds}), the finish reason mapped, and the usage with cached and
 * reasoning (thoughts) tokens.
 */
public final class OpenAiChatResponse {

    /** What one candidate says, in OpenAI's terms. */
    record Choice(int index, String text, List<Map<String, Object>> toolCalls, Optional<String> finishReason) {
    }

    private OpenAiChatResponse() {
    }

    /** The whole {@code chat.completion} for a unary answer. */
    static Map<String, Object> completion(GenerationResponse response, String id, long created) {
        List<Object> choices = new ArrayList<>();
        for (Choice choice : choices(response.body(), id, 0)) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", choice.text().isEmpty() && !choice.toolCalls().isEmpty() ? null : choice.text());
            message.put("refusal", null);
            if (!choice.toolCalls().isEmpty()) {
                message.put("tool_calls", choice.toolCalls());
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", choice.index());
            c.put("message", message);
            c.put("logprobs", null);
            c.put("finish_reason", finishReason(choice, !choice.toolCalls().isEmpty()));
            choices.add(c);
        }
        Map<String, Object> completion = new LinkedHashMap<>();
        completion.put("id", id);
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", response.servedModel().value());
        completion.put("choices", choices);
        completion.put("usage", usage(response.usage()));
        return completion;
    }

    /**
     * The candidates of a response (or of one stream chunk) as choices. {@code firstCall} numbers the tool calls of a
     * stream, whose calls arrive over several chunks (0 for a whole response); the ids stay unique within the response.
     */
    static List<Choice> choices(Map<String, Object> body, String responseId, int firstCall) {
        List<Choice> choices = new ArrayList<>();
        Object rawCandidates = body.get("candidates");
        if (!(rawCandidates instanceof List<?> candidates) || candidates.isEmpty()) {
            if (body.get("promptFeedback") instanceof Map<?, ?> feedback && feedback.get("blockReason") != null) {
                choices.add(new Choice(0, "", List.of(), Optional.of("content_filter")));
            }
            return choices;
        }
        for (int position = 0; position < candidates.size(); position++) {
            if (!(candidates.get(position) instanceof Map<?, ?> candidate)) {
                continue;
            }
            int index = candidate.get("index") instanceof Number n ? n.intValue() : position;
            StringBuilder text = new StringBuilder();
            List<Map<String, Object>> calls = new ArrayList<>();
            if (candidate.get("content") instanceof Map<?, ?> content && content.get("parts") instanceof List<?> parts) {
                for (Object rawPart : parts) {
                    if (!(rawPart instanceof Map<?, ?> part) || Boolean.TRUE.equals(part.get("thought"))) {
                        continue;
                    }
                    if (part.get("text") instanceof String t) {
                        text.append(t);
                    }
                    if (part.get("functionCall") instanceof Map<?, ?> call) {
                        Optional<String> signature = part.get("thoughtSignature") instanceof String s && !s.isEmpty()
                                ? Optional.of(s) : Optional.empty();
                        calls.add(toolCall(call, ToolCallIds.id(responseId, index, firstCall + calls.size(),
                                signature), signature));
                    }
                }
            }
            Optional<String> finish = candidate.get("finishReason") instanceof String f
                    ? Optional.of(finishReason(f)) : Optional.empty();
            choices.add(new Choice(index, text.toString(), calls, finish));
        }
        return choices;
    }

    private static Map<String, Object> toolCall(Map<?, ?> call, String id, Optional<String> signature) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.get("name") instanceof String name ? name : "");
        Object args = call.get("args") instanceof Map<?, ?> map ? map : Map.of();
        function.put("arguments", new String(GeminiJson.write(args), StandardCharsets.UTF_8));
        Map<String, Object> toolCall = new LinkedHashMap<>();
        toolCall.put("id", id);
        toolCall.put("type", "function");
        toolCall.put("function", function);
        signature.ifPresent(s -> toolCall.put("extra_content", ToolCallIds.extraContent(s)));
        return toolCall;
    }

    /** A choice's finish reason: {@code tool_calls} when it called a function, else Gemini's mapped. */
    static String finishReason(Choice choice, boolean calledTools) {
        if (calledTools && choice.finishReason().map("stop"::equals).orElse(true)) {
            return "tool_calls";
        }
        return choice.finishReason().orElse("stop");
    }

    /**
     * Gemini's finishReason in OpenAI's terms: STOP → stop, MAX_TOKENS → length, the safety and policy blocks
     * (SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY, ...) → content_filter, anything else
     * (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, a reason Google adds later) → stop.
     */
    static String finishReason(String gemini) {
        return switch (gemini) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * OpenAI's usage: completion tokens include the reasoning (Gemini's thoughts, billed as output), as OpenAI counts
     * them; cached tokens are part of the prompt on both sides.
     */
    static Map<String, Object> usage(Usage usage) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("prompt_tokens", usage.promptTokens());
        json.put("completion_tokens", usage.outputTokens());
        json.put("total_tokens", usage.totalTokens());
        json.put("prompt_tokens_details", Map.of("cached_tokens", usage.cachedTokens()));
        json.put("completion_tokens_details", Map.of("reasoning_tokens", usage.thoughtsTokens()));
        return json;
    }
}
