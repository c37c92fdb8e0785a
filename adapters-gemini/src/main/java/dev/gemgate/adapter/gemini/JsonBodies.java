package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.genai.JsonSerializable;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                throw emptyResponse();
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw notAnObject();
        }
    }

    /** What policy reads of a GenerateContentResponse: its usage and its first candidate's finish reason. */
    record ReplyFacts(Usage usage, Optional<String> finishReason) {
    }

    /**
     * The {@link ReplyFacts} of a GenerateContentResponse's text, read without building its tree: only
     * {@code usageMetadata} is read into one; {@code candidates} is walked to its first element's
     * {@code finishReason}, and every other value is skipped. The same facts as {@link #usage} and
     * {@link GenerationResponse#firstFinishReason} on {@link #parseObject}'s tree (a repeated field: its last value),
     * and the same refusals: a text that is not a JSON object fails with PROTOCOL_ERROR. A skipped value is still
     * tokenized, so a malformed one, or a number over Jackson's length limit, is refused here too. A limit Jackson
     * checks only when it builds a value would fail when the tree is first read, with the same refusal
     * ({@link LazyJsonObject}).
     */
    ReplyFacts readReply(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.VALUE_NULL) {
                throw emptyResponse();
            }
            if (first != JsonToken.START_OBJECT) {
                throw notAnObject();
            }
            Map<String, Object> meta = Map.of();
            Optional<String> finishReason = Optional.empty();
            while (next(parser) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = next(parser);
                switch (field) {
                    case "usageMetadata" -> meta = value == JsonToken.START_OBJECT ? mapper.readValue(parser, OBJECT)
                            : Map.of();
                    case "candidates" -> finishReason = value == JsonToken.START_ARRAY ? firstFinishReason(parser)
                            : Optional.empty();
                    default -> {
                    }
                }
                parser.skipChildren(); // a value not read above; a no-op on the end of one that was
            }
            return new ReplyFacts(usageOf(meta), finishReason);
        } catch (JsonProcessingException e) {
            throw notAnObject();
        } catch (IOException e) { // a String's parser reads no stream; kept as the same refusal all the same
            throw notAnObject();
        }
    }

    /** The parser stands on a candidates array's START_ARRAY; leaves it on its END_ARRAY. */
    private static Optional<String> firstFinishReason(JsonParser parser) throws IOException {
        Optional<String> finishReason = Optional.empty();
        JsonToken token = next(parser);
        if (token == JsonToken.START_OBJECT) {
            while (next(parser) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = next(parser);
                if ("finishReason".equals(field)) {
                    finishReason = value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                }
                parser.skipChildren();
            }
            token = next(parser);
        }
        while (token != JsonToken.END_ARRAY) {
            parser.skipChildren();
            token = next(parser);
        }
        return finishReason;
    }

    /** The next token; the end of the text inside a value is a malformed body. */
    private static JsonToken next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw notAnObject();
        }
        return token;
    }

    private static UpstreamException emptyResponse() {
        return new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200, "the upstream sent an empty response");
    }

    private static UpstreamException notAnObject() {
        return new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                "the upstream sent a response that is not a JSON object", null, null);
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
        return usageOf(JsonTree.object(responseBody, "usageMetadata").orElse(Map.of()));
    }

    /** Usage from a usageMetadata object; missing counts are 0. */
    private static Usage usageOf(Map<String, Object> meta) {
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
