package dev.gemgate.domain.generation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chunks of a streamed generation assembled into the one {@code GenerateContentResponse} a unary call would have
 * returned, so that a completed stream can be stored in the response cache and served to a later unary or streamed
 * request. Per candidate ({@code index}, else its position): adjacent text parts are concatenated (a thought's text
 * only with a thought's, and never two parts that each carry a {@code thoughtSignature}, which is kept on the part it
 * came with); every other part (functionCall, inlineData, ...) is kept as it came, in order; the other candidate
 * fields (finishReason, safetyRatings, citationMetadata, ...) are the last chunk's that had them. Top-level fields
 * (usageMetadata, modelVersion, responseId, promptFeedback) are the last chunk's that had them.
 *
 * <p>Not thread-safe: one stream is read by one thread.
 */
public final class StreamedAnswer {
    private static final Set<String> TEXT_PART_FIELDS = Set.of("text", "thought", "thoughtSignature");

    private final Map<String, Object> top = new LinkedHashMap<>();
    private final Map<Long, Candidate> candidates = new TreeMap<>();
    private boolean unreadable;

    private static final class Candidate {
        final Map<String, Object> fields = new LinkedHashMap<>();
        final Map<String, Object> content = new LinkedHashMap<>();
        final List<Map<String, Object>> parts = new ArrayList<>();
    }

    /** Adds one chunk's response. */
    public void add(GenerationResponse chunk) {
        Map<String, Object> body = chunk.body();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!e.getKey().equals("candidates")) {
                top.put(e.getKey(), e.getValue());
            }
        }
        List<Object> list = JsonTree.array(body, "candidates").orElse(List.of());
        for (int i = 0; i < list.size(); i++) {
            if (!JsonTree.isObject(list.get(i))) {
                unreadable = true;
                continue;
            }
            Map<String, Object> c = JsonTree.asObject(list.get(i));
            long index = JsonTree.wholeNumber(c, "index").orElse(i);
            Candidate candidate = candidates.computeIfAbsent(index, k -> new Candidate());
            for (Map.Entry<String, Object> e : c.entrySet()) {
                if (e.getKey().equals("content")) {
                    content(candidate, e.getValue());
                } else {
                    candidate.fields.put(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** False when a chunk held something this assembly cannot read (then nothing is stored). */
    public boolean isReadable() {
        return !unreadable;
    }

    private void content(Candidate candidate, Object value) {
        if (!JsonTree.isObject(value)) {
            unreadable = true;
            return;
        }
        Map<String, Object> content = JsonTree.asObject(value);
        for (Map.Entry<String, Object> e : content.entrySet()) {
            if (!e.getKey().equals("parts")) {
                candidate.content.put(e.getKey(), e.getValue());
            }
        }
        for (Object part : JsonTree.array(content, "parts").orElse(List.of())) {
            if (!JsonTree.isObject(part)) {
                unreadable = true;
                continue;
            }
            append(candidate.parts, JsonTree.asObject(part));
        }
    }

    private static void append(List<Map<String, Object>> parts, Map<String, Object> part) {
        if (!parts.isEmpty()) {
            Map<String, Object> last = parts.get(parts.size() - 1);
            if (isPlainText(last) && isPlainText(part) && thought(last) == thought(part)
                    && !(last.containsKey("thoughtSignature") && part.containsKey("thoughtSignature"))) {
                Map<String, Object> merged = new LinkedHashMap<>(last);
                merged.put("text", (String) last.get("text") + part.get("text"));
                if (part.containsKey("thoughtSignature")) {
                    merged.put("thoughtSignature", part.get("thoughtSignature"));
                }
                parts.set(parts.size() - 1, merged);
                return;
            }
        }
        parts.add(new LinkedHashMap<>(part));
    }

    private static boolean isPlainText(Map<String, Object> part) {
        return part.get("text") instanceof String && TEXT_PART_FIELDS.containsAll(part.keySet());
    }

    private static boolean thought(Map<String, Object> part) {
        return Boolean.TRUE.equals(part.get("thought"));
    }

    /** The assembled response, served by {@code servedModel}, with {@code usage} (the stream's final usage). */
    public GenerationResponse response(ModelId servedModel, Usage usage) {
        Objects.requireNonNull(servedModel, "servedModel");
        Objects.requireNonNull(usage, "usage");
        Map<String, Object> body = new LinkedHashMap<>();
        List<Object> assembled = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            Map<String, Object> content = new LinkedHashMap<>(c.content);
            content.put("parts", List.copyOf(c.parts));
            Map<String, Object> candidate = new LinkedHashMap<>();
            candidate.put("content", content);
            candidate.putAll(c.fields);
            assembled.add(candidate);
        }
        if (!assembled.isEmpty()) {
            body.put("candidates", assembled);
        }
        body.putAll(top);
        return new GenerationResponse(servedModel, body, usage);
    }
}
