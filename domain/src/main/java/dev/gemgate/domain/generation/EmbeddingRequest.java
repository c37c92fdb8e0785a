package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.InvalidRequestException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An embedding request for one model, in either of Gemini's forms: {@code embedContent} (one
 * {@code EmbedContentRequest}: {@code content}, optional {@code taskType}, {@code title}, {@code outputDimensionality})
 * or {@code batchEmbedContents} ({@code requests}: a list of those, each naming the model). As for generation, the
 * body is kept as it arrived (unknown fields included) to be forwarded untouched, with its original JSON text when read
 * from the wire; {@link #contents()} is the typed view policies read (one per embedding asked for).
 */
public final class EmbeddingRequest {
    /** Far above Google's own batch limit: a sanity bound on work per request, not a product limit. */
    public static final int MAX_REQUESTS = 10_000;

    public enum Method {
        EMBED_CONTENT("embedContent"), BATCH_EMBED_CONTENTS("batchEmbedContents");

        private final String wireName;

        Method(String wireName) {
            this.wireName = wireName;
        }

        /** The method's name after the colon in the URL. */
        public String wireName() {
            return wireName;
        }
    }

    private final ModelId model;
    private final Method method;
    private final Map<String, Object> body;
    private final Optional<String> originalJson;
    private final List<Content> contents;

    public EmbeddingRequest(ModelId model, Method method, Map<String, Object> body, Optional<String> originalJson) {
        if (model == null) {
            throw new InvalidRequestException("a model is required");
        }
        if (body == null) {
            throw new InvalidRequestException("the request body must be a JSON object");
        }
        this.model = model;
        this.method = Objects.requireNonNull(method, "method");
        this.body = Collections.unmodifiableMap(body);
        this.originalJson = Objects.requireNonNull(originalJson, "originalJson");
        this.contents = switch (method) {
            case EMBED_CONTENT -> List.of(parseOne(body, "", model, false));
            case BATCH_EMBED_CONTENTS -> parseBatch(body, model);
        };
    }

    private static List<Content> parseBatch(Map<String, Object> body, ModelId model) {
        List<Object> requests = JsonTree.array(body, "requests").orElseThrow(() -> new InvalidRequestException(
                body.containsKey("requests") ? "requests must be a list of EmbedContentRequest objects"
                        : "requests is not specified"));
        if (requests.isEmpty()) {
            throw new InvalidRequestException("requests must not be empty");
        }
        if (requests.size() > MAX_REQUESTS) {
            throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED, "requests has "
                    + requests.size() + " entries; at most " + MAX_REQUESTS + " are allowed");
        }
        List<Content> contents = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            String path = "requests[" + i + "]";
            if (!JsonTree.isObject(requests.get(i))) {
                throw new InvalidRequestException(path + " must be an EmbedContentRequest object");
            }
            contents.add(parseOne(JsonTree.asObject(requests.get(i)), path + ".", model, true));
        }
        return List.copyOf(contents);
    }

    /** One EmbedContentRequest; in a batch each names its model, which must be the URL's (Google refuses others). */
    private static Content parseOne(Map<String, Object> request, String prefix, ModelId model, boolean inBatch) {
        if (inBatch) {
            String named = JsonTree.string(request, "model").orElseThrow(() -> new InvalidRequestException(
                    prefix + "model is required: each request names its model, e.g. models/" + model));
            if (!ModelId.isValid(named) || !ModelId.parse(named).equals(model)) {
                throw new InvalidRequestException(prefix + "model is " + named + " but the batch is for models/"
                        + model + "; every request of a batch must use the batch's model");
            }
        }
        if (!request.containsKey("content")) {
            throw new InvalidRequestException(prefix + "content is not specified");
        }
        Object raw = request.get("content");
        Content content = GenerationRequest.parseSingleContent(raw, prefix + "content");
        if (request.containsKey("outputDimensionality")) {
            OptionalLong dims = JsonTree.wholeNumber(request, "outputDimensionality");
            if (dims.isEmpty() || dims.getAsLong() < 1 || dims.getAsLong() > Integer.MAX_VALUE) {
                throw new InvalidRequestException(prefix + "outputDimensionality must be a positive whole number");
            }
        }
        for (String field : List.of("taskType", "title")) {
            if (request.containsKey(field) && !(request.get(field) instanceof String)) {
                throw new InvalidRequestException(prefix + field + " must be a string");
            }
        }
        return content;
    }

    public ModelId model() {
        return model;
    }

    public Method method() {
        return method;
    }

    /** The request as received, to forward: unknown fields included. */
    public Map<String, Object> body() {
        return body;
    }

    /** The JSON text this request was read from, when {@link #body()} is exactly its parse. */
    public Optional<String> originalJson() {
        return originalJson;
    }

    /** What is embedded: one content per embedding asked for, in order. */
    public List<Content> contents() {
        return contents;
    }

    /** Total decoded bytes of every inline part. */
    public long inlineBytes() {
        long total = 0;
        for (Content c : contents) {
            for (Part p : c.parts()) {
                if (p instanceof Part.InlineData d) {
                    total += d.decodedSize();
                }
            }
        }
        return total;
    }
}
