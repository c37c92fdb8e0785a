package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.genai.JsonSerializable;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.Usage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Conversions between wire JSON, SDK objects and the plain Map/List trees the domain keeps bodies in. */
final class JsonBodies {
    /** Fields the SDK adds to its response objects that Google never sent. */
    private static final Set<String> SDK_ONLY_FIELDS = Set.of("sdkHttpResponse", "automaticFunctionCallingHistory");
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    /**
     * Upstream answers may carry generated media inline (an image as one base64 string): Jackson's default 20M-character
     * string limit would make such an answer a protocol error. 200M characters covers the largest inline data Google
     * documents (100 MB decoded) with room to spare.
     */
    static final int MAX_STRING_LENGTH = 200_000_000;

    /**
     * The factory of every upstream body this adapter reads, here and in {@link JsonSlices}: the string limit above, and
     * a shared buffer recycler pool. Jackson's default pool is per thread: on virtual threads (one per request) it
     * recycled nothing and every parse allocated fresh buffers (16.8% of allocations in issue 21's profile 1).
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build())
            .build();

    private final ObjectMapper mapper = JsonMapper.builder(FACTORY).build();

    /** The upstream's raw body as a tree; not an object → PROTOCOL_ERROR. */
    Map<String, Object> parseObject(String json) {
        try {
            Map<String, Object> tree = mapper.readValue(json, OBJECT);
            if (tree == null) {
                throw new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                        "the upstream sent an empty response");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                    "the upstream sent a response that is not a JSON object", null, null);
        }
    }

    /** An SDK response object back to the tree Google sent (as far as the SDK kept it), SDK-only fields dropped. */
    Map<String, Object> toTree(JsonSerializable sdkObject) {
        Map<String, Object> tree = parseObject(sdkObject.toJson());
        SDK_ONLY_FIELDS.forEach(tree::remove);
        dropNulls(tree);
        return tree;
    }

    String write(Object tree) {
        try {
            return mapper.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body cannot be written as JSON", e);
        }
    }

    /** Usage from a GenerateContentResponse body's usageMetadata; missing counts are 0. */
    static Usage usage(Map<String, Object> responseBody) {
        Map<String, Object> meta = JsonTree.object(responseBody, "usageMetadata").orElse(Map.of());
        long prompt = count(meta, "promptTokenCount");
        long cached = Math.min(count(meta, "cachedContentTokenCount"), prompt);
        return new Usage(prompt, count(meta, "candidatesTokenCount"), count(meta, "thoughtsTokenCount"), cached,
                Math.min(audioTokens(meta), prompt));
    }

    /** The AUDIO entries of usageMetadata.promptTokensDetails ([{modality, tokenCount}]); 0 when absent. */
    private static long audioTokens(Map<String, Object> meta) {
        if (!(meta.get("promptTokensDetails") instanceof List<?> details)) {
            return 0;
        }
        long audio = 0;
        for (Object detail : details) {
            if (detail instanceof Map<?, ?> entry && "AUDIO".equals(entry.get("modality"))
                    && entry.get("tokenCount") instanceof Number n && n.longValue() > 0) {
                audio = Math.addExact(audio, n.longValue());
            }
        }
        return audio;
    }

    static boolean hasUsage(Map<String, Object> responseBody) {
        return JsonTree.isObject(responseBody.get("usageMetadata"));
    }

    private static long count(Map<String, Object> meta, String field) {
        return Math.max(0, JsonTree.wholeNumber(meta, field).orElse(0));
    }

    private static void dropNulls(Object node) {
        if (node instanceof Map<?, ?> map) {
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                if (e.getValue() == null) {
                    it.remove();
                } else {
                    dropNulls(e.getValue());
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object item : new ArrayList<>(list)) {
                dropNulls(item);
            }
        }
    }
}
