package dev.gemgate.adapter.web.openai;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a Gemini function call's {@code thoughtSignature} travels through the OpenAI shape and back. Gemini 3 and later
 * refuse a function call sent back without the signature it came with (400), and OpenAI's chat format has no field for
 * it, so it is carried twice:
 * <ul>
 *   <li>in {@code tool_calls[].extra_content.google.thought_signature}, where Google's own OpenAI layer puts it (clients
 *   written for Google's layer copy it back from there);</li>
 *   <li>in the tool call's {@code id}, after {@value #SEPARATOR} (as LiteLLM does), because the id is the one field every
 *   client sends back untouched, also those that rebuild the assistant message from typed fields and drop unknown
 *   ones.</li>
 * </ul>
 * Reading it back prefers {@code extra_content}, then the id. The signature is opaque: the gateway never reads it, and
 * it holds nothing of another tenant's (Google signs it; a forged one is refused by Google, not trusted by us).
 */
public final class ToolCallIds {
    static final String SEPARATOR = "__thought__";

    private ToolCallIds() {
    }

    /** The id of the {@code index}-th call of a response, carrying {@code signature} when there is one. */
    static String id(String responseId, int choice, int index, Optional<String> signature) {
        String base = "call_" + responseId + "_" + choice + "_" + index;
        return signature.map(s -> base + SEPARATOR + s).orElse(base);
    }

    /** {@code extra_content} for a call with {@code signature}. */
    static Map<String, Object> extraContent(String signature) {
        Map<String, Object> google = new LinkedHashMap<>();
        google.put("thought_signature", signature);
        return Map.of("google", google);
    }

    /** The signature a client sent back with a tool call: from {@code extra_content}, else from its id. */
    static Optional<String> signature(Map<String, Object> toolCall) {
        if (toolCall.get("extra_content") instanceof Map<?, ?> extra && extra.get("google") instanceof Map<?, ?> google
                && google.get("thought_signature") instanceof String s && !s.isEmpty()) {
            return Optional.of(s);
        }
        if (toolCall.get("id") instanceof String id) {
            int at = id.indexOf(SEPARATOR);
            if (at >= 0 && at + SEPARATOR.length() < id.length()) {
                return Optional.of(id.substring(at + SEPARATOR.length()));
            }
        }
        return Optional.empty();
    }
}
