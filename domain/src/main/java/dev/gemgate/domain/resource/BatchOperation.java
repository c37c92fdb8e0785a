package dev.gemgate.domain.resource;

import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.Usage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A batch job as Google describes it: the long-running Operation ({@code name}, {@code metadata} = the
 * GenerateContentBatch or EmbedContentBatch, {@code done}, {@code error}, {@code response}) as a plain JSON tree, with
 * typed views of what Gemgate reads. Unknown fields stay in the tree and reach the caller untouched.
 */
public record BatchOperation(Map<String, Object> json) {
    /** The states in which a job has ended (Google's wire names). */
    public static final List<String> ENDED = List.of("BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED",
            "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED");

    public BatchOperation {
        if (json == null) {
            throw new IllegalArgumentException("an operation is a JSON object");
        }
    }

    public Map<String, Object> metadata() {
        return JsonTree.object(json, "metadata").orElse(Map.of());
    }

    /** The job's name ({@code batches/...}), from the operation or its metadata. */
    public Optional<UpstreamResourceName> name() {
        return JsonTree.string(json, "name").or(() -> JsonTree.string(metadata(), "name"))
                .filter(n -> UpstreamResourceName.isValid(ResourceKind.BATCH, n))
                .map(n -> new UpstreamResourceName(ResourceKind.BATCH, n));
    }

    /** Google's state word ({@code BATCH_STATE_PENDING}, ...); {@code BATCH_STATE_UNSPECIFIED} when absent or odd. */
    public String state() {
        return JsonTree.string(metadata(), "state").filter(s -> s.matches("[A-Z][A-Z0-9_]{0,63}"))
                .orElse("BATCH_STATE_UNSPECIFIED");
    }

    /** True once the job has ended: {@code done}, or an ended state. */
    public boolean ended() {
        return Boolean.TRUE.equals(json.get("done")) || ENDED.contains(state());
    }

    /** {@code batchStats.requestCount} (an int64 string on the wire). */
    public OptionalLong requestCount() {
        return stat("requestCount");
    }

    public OptionalLong successfulRequestCount() {
        return stat("successfulRequestCount");
    }

    private OptionalLong stat(String field) {
        return int64(JsonTree.object(metadata(), "batchStats").orElse(Map.of()).get(field));
    }

    /** The inlined results, {@code metadata.output.inlinedResponses.inlinedResponses[]} (each response or error). */
    public List<Map<String, Object>> inlinedResponses() {
        Map<String, Object> output = JsonTree.object(metadata(), "output")
                .or(() -> JsonTree.object(json, "response")).orElse(Map.of());
        List<Object> list = JsonTree.object(output, "inlinedResponses")
                .flatMap(o -> JsonTree.array(o, "inlinedResponses")).orElse(List.of());
        List<Map<String, Object>> responses = new ArrayList<>(list.size());
        for (Object item : list) {
            if (JsonTree.isObject(item)) {
                responses.add(JsonTree.asObject(item));
            }
        }
        return responses;
    }

    /** The results file of a file-input job ({@code metadata.output.responsesFile}), once it ended. */
    public Optional<UpstreamResourceName> responsesFile() {
        Map<String, Object> output = JsonTree.object(metadata(), "output")
                .or(() -> JsonTree.object(json, "response")).orElse(Map.of());
        return JsonTree.string(output, "responsesFile")
                .filter(n -> UpstreamResourceName.isValid(ResourceKind.FILE, n))
                .map(n -> new UpstreamResourceName(ResourceKind.FILE, n));
    }

    /**
     * The operation without its results ({@code metadata.output.inlinedResponses} and {@code response}'s), what the
     * store keeps as the job's description and a list answers: results can be megabytes and are read by a get.
     */
    public Map<String, Object> withoutResults() {
        Map<String, Object> copy = new LinkedHashMap<>(json);
        JsonTree.object(json, "metadata").ifPresent(metadata -> {
            Map<String, Object> m = new LinkedHashMap<>(metadata);
            JsonTree.object(metadata, "output").ifPresent(output -> {
                Map<String, Object> o = new LinkedHashMap<>(output);
                o.remove("inlinedResponses");
                if (o.isEmpty()) {
                    m.remove("output");
                } else {
                    m.put("output", o);
                }
            });
            copy.put("metadata", m);
        });
        JsonTree.object(json, "response").ifPresent(response -> {
            Map<String, Object> r = new LinkedHashMap<>(response);
            r.remove("inlinedResponses");
            copy.put("response", r);
        });
        return copy;
    }

    /** The usage a GenerateContentResponse reports ({@code usageMetadata}; missing counts are 0). */
    public static Usage usageOf(Map<String, Object> response) {
        Map<String, Object> meta = JsonTree.object(response, "usageMetadata").orElse(Map.of());
        long prompt = count(meta, "promptTokenCount");
        long cached = Math.min(count(meta, "cachedContentTokenCount"), prompt);
        long audio = 0;
        for (Object detail : JsonTree.array(meta, "promptTokensDetails").orElse(List.of())) {
            if (detail instanceof Map<?, ?> entry && "AUDIO".equals(entry.get("modality"))
                    && entry.get("tokenCount") instanceof Number n && n.longValue() > 0) {
                audio = Math.addExact(audio, n.longValue());
            }
        }
        return new Usage(prompt, count(meta, "candidatesTokenCount"), count(meta, "thoughtsTokenCount"), cached,
                Math.min(audio, prompt));
    }

    private static long count(Map<String, Object> meta, String field) {
        return Math.max(0, int64(meta.get(field)).orElse(0));
    }

    /** An int64 as the wire writes it: a string of digits, or a number. */
    static OptionalLong int64(Object value) {
        if (value instanceof Number n) {
            return JsonTree.exactLong(n);
        }
        if (value instanceof String s && s.matches("-?[0-9]{1,18}")) {
            return OptionalLong.of(Long.parseLong(s));
        }
        return OptionalLong.empty();
    }
}
