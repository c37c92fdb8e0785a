package dev.gemgate.adapter.web.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gemgate.domain.budget.EndUserName;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.JsonTree;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * OpenAI's {@code POST /embeddings} translated to and from Gemini's {@code batchEmbedContents}, the request the
 * Gemini surface sends for several texts, so that one {@code EmbedContent} use case serves both surfaces.
 *
 * <p>Request: {@code input} (a string or a list of strings; token arrays are refused), {@code model} ({@code m} or
 * {@code models/m}), {@code encoding_format} ({@code float}, the default, or {@code base64}), {@code dimensions}
 * (Gemini's {@code outputDimensionality}), {@code user} (the end user budgets apply to). Other fields are ignored.
 * Response: {@code {"object":"list","data":[{"object":"embedding","index":i,"embedding":...}],"model":...,
 * "usage":{"prompt_tokens":n,"total_tokens":n}}}, each embedding a list of numbers or, for {@code base64}, the base64
 * text of its little-endian float32 bytes (what OpenAI's SDKs ask for by default and decode).
 */
public final class OpenAiEmbeddingsJson {
    // Jackson's default recycler pool is per thread: on virtual threads (one per request) it recycled nothing and every
    // parse allocated fresh buffers (16.8% of allocations in issue 21's profile 1); a shared pool recycles across threads
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
    private static final ObjectMapper UPSTREAM = JsonMapper.builder(FACTORY).build();

    /** How the caller wants each vector written. */
    public enum Encoding {
        FLOAT, BASE64
    }

    /**
     * An embeddings call as the caller asked for it.
     *
     * @param modelName  the model as the caller named it, echoed in the response
     * @param inputs     the texts to embed, in order
     * @param dimensions Gemini's {@code outputDimensionality}, when asked
     * @param user       the end user the call is for, when named
     */
    public record Call(String modelName, ModelId model, List<String> inputs, Encoding encoding,
                       OptionalInt dimensions, Optional<String> user) {
        public Call {
            inputs = List.copyOf(inputs);
        }

        /**
         * The Gemini request for the same embeddings: one {@code batchEmbedContents} with an
         * {@code EmbedContentRequest} per input, each with the dimensions asked for.
         */
        public EmbeddingRequest toDomain() {
            List<Object> requests = new ArrayList<>(inputs.size());
            for (String input : inputs) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("model", model.resourceName());
                one.put("content", Map.of("parts", List.of(Map.of("text", input))));
                dimensions.ifPresent(d -> one.put("outputDimensionality", d));
                requests.add(one);
            }
            return new EmbeddingRequest(model, EmbeddingRequest.Method.BATCH_EMBED_CONTENTS,
                    Map.of("requests", requests), Optional.empty());
        }
    }

    private OpenAiEmbeddingsJson() {
    }

    /** The call a body (already read as a JSON tree) asks for; every refusal names the field at fault. */
    public static Call read(Map<String, Object> body) {
        String modelName = switch (body.get("model")) {
            case null -> throw InvalidRequestException.forField("model", "is required, e.g. gemini-embedding-001.");
            case String s when !s.isBlank() -> s;
            default -> throw InvalidRequestException.forField("model", "must be a model name, e.g. "
                    + "gemini-embedding-001.");
        };
        return new Call(modelName, OpenAiModelsJson.modelId(modelName), inputs(body.get("input")), encoding(body),
                dimensions(body), user(body));
    }

    private static List<String> inputs(Object input) {
        if (input == null) {
            throw InvalidRequestException.forField("input", "is required: a string or a list of strings.");
        }
        if (input instanceof String text) {
            return List.of(nonEmpty(text, "input"));
        }
        if (!(input instanceof List<?> list)) {
            throw InvalidRequestException.forField("input", "must be a string or a list of strings.");
        }
        if (list.isEmpty()) {
            throw InvalidRequestException.forField("input", "must not be an empty list.");
        }
        if (list.size() > EmbeddingRequest.MAX_REQUESTS) {
            throw InvalidRequestException.forField(InvalidRequestException.Reason.LIMIT_EXCEEDED, "input",
                    "has " + list.size() + " entries; at most " + EmbeddingRequest.MAX_REQUESTS + " are allowed.");
        }
        List<String> texts = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            switch (list.get(i)) {
                case String text -> texts.add(nonEmpty(text, "input[" + i + "]"));
                case Number ignored -> throw tokensUnsupported("input");
                case List<?> ignored -> throw tokensUnsupported("input[" + i + "]");
                default -> throw InvalidRequestException.forField("input[" + i + "]", "must be a string.");
            }
        }
        return texts;
    }

    private static InvalidRequestException tokensUnsupported(String field) {
        return InvalidRequestException.forField(InvalidRequestException.Reason.UNSUPPORTED, field,
                "token arrays are not supported (they are OpenAI's tokenizer's ids, which Gemini does not read); "
                        + "send the text.");
    }

    private static String nonEmpty(String text, String field) {
        if (text.isEmpty()) {
            throw InvalidRequestException.forField(field, "must not be an empty string.");
        }
        return text;
    }

    private static Encoding encoding(Map<String, Object> body) {
        Object format = body.get("encoding_format");
        if (format == null || "float".equals(format)) {
            return Encoding.FLOAT;
        }
        if ("base64".equals(format)) {
            return Encoding.BASE64;
        }
        throw InvalidRequestException.forField("encoding_format", "must be float or base64.");
    }

    private static OptionalInt dimensions(Map<String, Object> body) {
        if (!body.containsKey("dimensions") || body.get("dimensions") == null) {
            return OptionalInt.empty();
        }
        OptionalLong dims = JsonTree.wholeNumber(body, "dimensions");
        if (dims.isEmpty() || dims.getAsLong() < 1 || dims.getAsLong() > Integer.MAX_VALUE) {
            throw InvalidRequestException.forField("dimensions", "must be a whole number of at least 1.");
        }
        return OptionalInt.of((int) dims.getAsLong());
    }

    /** The end user, by the rule every end-user name follows ({@link EndUserName}). */
    private static Optional<String> user(Map<String, Object> body) {
        Object user = body.get("user");
        if (user == null) {
            return Optional.empty();
        }
        if (!(user instanceof String name)) {
            throw InvalidRequestException.forField("user", "must be a string.");
        }
        try {
            return EndUserName.parse(name);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.forField("user", e.getMessage() + ".");
        }
    }

    /**
     * The vectors of a {@code batchEmbedContents} answer ({@code {"embeddings":[{"values":[...]},...]}}), one per
     * input, as the upstream wrote them (doubles, so that the float format loses nothing the upstream sent).
     */
    public static List<double[]> vectors(String upstreamJson, int expected) {
        JsonNode embeddings;
        try {
            embeddings = UPSTREAM.readTree(upstreamJson).path("embeddings");
        } catch (IOException e) {
            throw protocolError("its embeddings answer is not JSON");
        }
        if (!embeddings.isArray() || embeddings.size() != expected) {
            throw protocolError("it returned " + (embeddings.isArray() ? embeddings.size() : "no") + " embeddings for "
                    + expected + " inputs");
        }
        List<double[]> vectors = new ArrayList<>(expected);
        for (JsonNode embedding : embeddings) {
            JsonNode values = embedding.path("values");
            if (!values.isArray()) {
                throw protocolError("an embedding has no values");
            }
            double[] vector = new double[values.size()];
            for (int i = 0; i < vector.length; i++) {
                JsonNode value = values.get(i);
                if (!value.isNumber()) {
                    throw protocolError("an embedding value is not a number");
                }
                vector[i] = value.doubleValue();
            }
            vectors.add(vector);
        }
        return vectors;
    }

    private static UpstreamException protocolError(String what) {
        return new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200, "the upstream answered, but " + what);
    }

    /** OpenAI's embeddings answer: the vectors in input order, written as the call asked. */
    public static byte[] write(Call call, List<double[]> vectors, long promptTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + vectors.size() * 16
                * (vectors.isEmpty() ? 0 : vectors.getFirst().length));
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("object", "list");
            json.writeArrayFieldStart("data");
            for (int i = 0; i < vectors.size(); i++) {
                json.writeStartObject();
                json.writeStringField("object", "embedding");
                json.writeNumberField("index", i);
                json.writeFieldName("embedding");
                if (call.encoding() == Encoding.BASE64) {
                    json.writeString(base64(vectors.get(i)));
                } else {
                    json.writeArray(vectors.get(i), 0, vectors.get(i).length);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("model", call.modelName());
            json.writeObjectFieldStart("usage");
            json.writeNumberField("prompt_tokens", promptTokens);
            json.writeNumberField("total_tokens", promptTokens);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return out.toByteArray();
    }

    /** The vector as float32 values, little-endian, 4 bytes each, in base64: OpenAI's {@code base64} encoding. */
    static String base64(double[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : vector) {
            bytes.putFloat((float) value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
