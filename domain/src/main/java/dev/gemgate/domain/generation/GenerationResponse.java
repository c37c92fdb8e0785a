package dev.gemgate.domain.generation;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GenerateContentResponse as the upstream sent it ({@code body}, unknown fields kept, to forward), with the
 * model that served it and the usage read from its {@code usageMetadata}.
 *
 * @param json          the reply's text exactly as the upstream sent it, when this response is that reply unchanged
 *                      (the upstream adapter's, and a cache hit on the same instance): the Gemini-native surface
 *                      forwards it as it is instead of writing {@code body} again. Empty for a response built or
 *                      rebuilt from its tree.
 * @param finishReason  the finish reason of the first candidate, if any (a string {@code finishReason} of an object
 *                      first in {@code candidates}): read with the usage when the reply is read, so that a caller that
 *                      forwards {@code json} and reports the finish reason (a span) never needs {@code body}, which
 *                      an adapter may then build only when it is first read
 */
public record GenerationResponse(ModelId servedModel, Map<String, Object> body, Usage usage, Optional<String> json,
                                 Optional<String> finishReason) {
    public GenerationResponse {
        if (servedModel == null || body == null || usage == null || json == null || finishReason == null) {
            throw new IllegalArgumentException("served model, body, usage, json and finish reason are required");
        }
        body = Collections.unmodifiableMap(body);
    }

    /** A response whose finish reason is read from {@code body}. */
    public GenerationResponse(ModelId servedModel, Map<String, Object> body, Usage usage, Optional<String> json) {
        this(servedModel, body, usage, json, firstFinishReason(body));
    }

    /** A response known by its tree only. */
    public GenerationResponse(ModelId servedModel, Map<String, Object> body, Usage usage) {
        this(servedModel, body, usage, Optional.empty());
    }

    /** The finish reason of the first candidate of a GenerateContentResponse {@code body}, if any. */
    public static Optional<String> firstFinishReason(Map<String, Object> body) {
        if (body == null) {
            return Optional.empty(); // refused by the canonical constructor
        }
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
