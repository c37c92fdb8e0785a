package dev.gemgate.domain.generation;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GenerateContentResponse as the upstream sent it ({@code body}, unknown fields kept, to forward), with the
 * model that served it and the usage read from its {@code usageMetadata}.
 *
 * @param json the reply's text exactly as the upstream sent it, when this response is that reply unchanged (the
 *             upstream adapter's, and a cache hit on the same instance): the Gemini-native surface forwards it as it
 *             is instead of writing {@code body} again. Empty for a response built or rebuilt from its tree.
 */
public record GenerationResponse(ModelId servedModel, Map<String, Object> body, Usage usage, Optional<String> json) {
    public GenerationResponse {
        if (servedModel == null || body == null || usage == null || json == null) {
            throw new IllegalArgumentException("served model, body, usage and json are required");
        }
        body = Collections.unmodifiableMap(body);
    }

    /** A response known by its tree only. */
    public GenerationResponse(ModelId servedModel, Map<String, Object> body, Usage usage) {
        this(servedModel, body, usage, Optional.empty());
    }

    /** The finish reason of the first candidate, if any. */
    public Optional<String> finishReason() {
        return JsonTree.array(body, "candidates")
                .filter(l -> !l.isEmpty() && JsonTree.isObject(l.get(0)))
                .flatMap(l -> JsonTree.string(JsonTree.asObject(l.get(0)), "finishReason"));
    }

    /** The text of the first candidate's parts, joined. */
    public String text() {
        List<Object> candidates = JsonTree.array(body, "candidates").orElse(List.of());
        if (candidates.isEmpty() || !JsonTree.isObject(candidates.get(0))) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        JsonTree.object(JsonTree.asObject(candidates.get(0)), "content")
                .flatMap(c -> JsonTree.array(c, "parts"))
                .ifPresent(parts -> parts.stream().filter(JsonTree::isObject).map(JsonTree::asObject)
                        .forEach(p -> JsonTree.string(p, "text").ifPresent(sb::append)));
        return sb.toString();
    }
}
