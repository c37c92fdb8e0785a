package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.InvalidRequestException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A generateContent request for one model. Its canonical form is {@code body}, the Gemini
 * {@code GenerateContentRequest} JSON as it arrived (fields the gateway does not know included), so that it can be
 * forwarded untouched; the typed views ({@link #contents()}, {@link #maxOutputTokens()}, ...) are what policies read.
 * The constructor refuses a body that Gemini would refuse, with a reason precise enough to fix it.
 */
public final class GenerationRequest {
    public static final int MAX_CANDIDATES = 8;

    private final ModelId model;
    private final Map<String, Object> body;
    private final List<Content> contents;
    private final Optional<Content> systemInstruction;
    private final OptionalLong maxOutputTokens;
    private final int candidateCount;

    public GenerationRequest(ModelId model, Map<String, Object> body) {
        if (model == null) {
            throw new InvalidRequestException("a model is required");
        }
        if (body == null) {
            throw new InvalidRequestException("the request body must be a JSON object");
        }
        this.model = model;
        this.body = Collections.unmodifiableMap(body);
        List<Object> rawContents = JsonTree.array(body, "contents")
                .orElseThrow(() -> new InvalidRequestException(body.containsKey("contents")
                        ? "contents must be a list of Content objects" : "contents is not specified"));
        if (rawContents.isEmpty()) {
            throw new InvalidRequestException("contents must not be empty");
        }
        this.contents = parseContents(rawContents, "contents");
        this.systemInstruction = body.containsKey("systemInstruction")
                ? Optional.of(parseContent(body.get("systemInstruction"), "systemInstruction"))
                : Optional.empty();
        Map<String, Object> config = generationConfig(body);
        this.maxOutputTokens = positiveWhole(config, "maxOutputTokens", Integer.MAX_VALUE);
        this.candidateCount = (int) positiveWhole(config, "candidateCount", MAX_CANDIDATES).orElse(1);
        if (config.containsKey("temperature")) {
            Object t = config.get("temperature");
            if (!(t instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 2) {
                throw new InvalidRequestException("generationConfig.temperature must be a number from 0 to 2");
            }
        }
    }

    private static Map<String, Object> generationConfig(Map<String, Object> body) {
        if (!body.containsKey("generationConfig")) {
            return Map.of();
        }
        return JsonTree.object(body, "generationConfig")
                .orElseThrow(() -> new InvalidRequestException("generationConfig must be an object"));
    }

    private static OptionalLong positiveWhole(Map<String, Object> config, String field, long max) {
        if (!config.containsKey(field)) {
            return OptionalLong.empty();
        }
        OptionalLong value = JsonTree.wholeNumber(config, field);
        if (value.isEmpty() || value.getAsLong() < 1 || value.getAsLong() > max) {
            throw new InvalidRequestException("generationConfig." + field + " must be a whole number from 1 to " + max);
        }
        return value;
    }

    private static List<Content> parseContents(List<Object> raw, String path) {
        List<Content> result = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            result.add(parseContent(raw.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(result);
    }

    private static Content parseContent(Object raw, String path) {
        if (!JsonTree.isObject(raw)) {
            throw new InvalidRequestException(path + " must be a Content object");
        }
        Map<String, Object> content = JsonTree.asObject(raw);
        Object role = content.get("role");
        if (role != null && !(role instanceof String)) {
            throw new InvalidRequestException(path + ".role must be a string");
        }
        List<Object> rawParts = JsonTree.array(content, "parts")
                .orElseThrow(() -> new InvalidRequestException(path + ".parts must be a non-empty list"));
        if (rawParts.isEmpty()) {
            throw new InvalidRequestException(path + ".parts must not be empty");
        }
        List<Part> parts = new ArrayList<>(rawParts.size());
        for (int i = 0; i < rawParts.size(); i++) {
            parts.add(parsePart(rawParts.get(i), path + ".parts[" + i + "]"));
        }
        return new Content(Optional.ofNullable((String) role), parts);
    }

    private static Part parsePart(Object raw, String path) {
        if (!JsonTree.isObject(raw)) {
            throw new InvalidRequestException(path + " must be a Part object");
        }
        Map<String, Object> part = JsonTree.asObject(raw);
        if (part.containsKey("text")) {
            return new Part.Text(JsonTree.string(part, "text")
                    .orElseThrow(() -> new InvalidRequestException(path + ".text must be a string")));
        }
        if (part.containsKey("inlineData")) {
            Map<String, Object> data = JsonTree.object(part, "inlineData")
                    .orElseThrow(() -> new InvalidRequestException(path + ".inlineData must be an object"));
            String mime = JsonTree.string(data, "mimeType").filter(s -> !s.isBlank())
                    .orElseThrow(() -> new InvalidRequestException(path + ".inlineData.mimeType is required"));
            String base64 = JsonTree.string(data, "data")
                    .orElseThrow(() -> new InvalidRequestException(path + ".inlineData.data is required"));
            if (!isBase64(base64)) {
                throw new InvalidRequestException(path + ".inlineData.data is not valid base64");
            }
            return new Part.InlineData(mime, base64);
        }
        if (part.containsKey("fileData")) {
            Map<String, Object> data = JsonTree.object(part, "fileData")
                    .orElseThrow(() -> new InvalidRequestException(path + ".fileData must be an object"));
            String uri = JsonTree.string(data, "fileUri").filter(s -> !s.isBlank())
                    .orElseThrow(() -> new InvalidRequestException(path + ".fileData.fileUri is required"));
            return new Part.FileData(JsonTree.string(data, "mimeType").orElse(""), uri);
        }
        if (part.isEmpty()) {
            throw new InvalidRequestException(path + " is empty: a part needs text, inlineData, fileData or another kind");
        }
        return new Part.Other(part);
    }

    /** Standard or URL-safe base64 with correct length and padding; checked without decoding. */
    static boolean isBase64(String s) {
        int len = s.length();
        if (len % 4 != 0) {
            return false;
        }
        int padding = 0;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == '=') {
                padding++;
                if (i < len - 2) {
                    return false;
                }
            } else if (padding > 0) {
                return false;
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '-' || c == '_')) {
                return false;
            }
        }
        return padding <= 2;
    }

    public ModelId model() {
        return model;
    }

    /** The request as received, to forward: unknown fields included. */
    public Map<String, Object> body() {
        return body;
    }

    public List<Content> contents() {
        return contents;
    }

    public Optional<Content> systemInstruction() {
        return systemInstruction;
    }

    public OptionalLong maxOutputTokens() {
        return maxOutputTokens;
    }

    public int candidateCount() {
        return candidateCount;
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

    /** The same request for another model (a fallback), body untouched. */
    public GenerationRequest forModel(ModelId other) {
        return new GenerationRequest(other, body);
    }
}
