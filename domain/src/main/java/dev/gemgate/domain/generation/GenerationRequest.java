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
 * A generateContent request for one model. Its canonical form is {@code body}, the Gemini
 * {@code GenerateContentRequest} JSON as it arrived (fields the gateway does not know included), so that it can be
 * forwarded untouched; the typed views ({@link #contents()}, {@link #maxOutputTokens()}, ...) are what policies read.
 * The constructor refuses a body that Gemini would refuse, with a reason precise enough to fix it.
 *
 * <p>A request read from the wire may also keep its {@link #originalJson() original JSON text}, the exact characters
 * the caller sent, so that an upstream adapter can forward them byte for byte: a tree loses what JSON text does not
 * say twice ({@code 1e-400} and {@code 0.0}, {@code -0} and {@code 0}, key order, spacing, escapes). The text is only
 * kept while {@code body} is what it parses to; a deliberate edit ({@link #withBody}) produces a request without it.
 */
public final class GenerationRequest {
    public static final int MAX_CANDIDATES = 8;
    /**
     * At most this many {@code contents} (turns). Far above a real conversation: each turn costs at least a token of
     * a context of about a million, and a long chat rarely passes a few thousand turns.
     */
    public static final int MAX_CONTENTS = 100_000;
    /**
     * At most this many parts in all ({@code contents} and {@code systemInstruction} together). Gemini takes a few
     * thousand media parts per request (3,000 images); text parts cost at least a token each.
     */
    public static final int MAX_PARTS = 100_000;

    private static final long INT32_MIN = Integer.MIN_VALUE;
    private static final long INT32_MAX = Integer.MAX_VALUE;

    private final ModelId model;
    private final Map<String, Object> body;
    private final Optional<String> originalJson;
    private final List<Content> contents;
    private final Optional<Content> systemInstruction;
    private final OptionalLong maxOutputTokens;
    private final int candidateCount;
    private final Optional<MediaResolution> mediaResolution;
    private final List<InlinePart> inlineParts;
    /** Inspected on first use and kept: validation and the estimate read the same inspection. */
    private volatile List<InlineMedia> inlineMedia;

    /** A request built from a tree (no original text: an adapter forwarding it writes the tree). */
    public GenerationRequest(ModelId model, Map<String, Object> body) {
        this(model, body, Optional.empty());
    }

    /**
     * A request read from the wire: {@code body} must be exactly what {@code originalJson} parses to (the adapter
     * that read it guarantees this; the domain has no JSON parser to check it).
     */
    public GenerationRequest(ModelId model, Map<String, Object> body, String originalJson) {
        this(model, body, Optional.of(Objects.requireNonNull(originalJson, "originalJson")));
    }

    private GenerationRequest(ModelId model, Map<String, Object> body, Optional<String> originalJson) {
        if (model == null) {
            throw new InvalidRequestException("a model is required");
        }
        if (body == null) {
            throw new InvalidRequestException("the request body must be a JSON object");
        }
        this.model = model;
        this.body = Collections.unmodifiableMap(body);
        this.originalJson = originalJson;
        List<Object> rawContents = JsonTree.array(body, "contents")
                .orElseThrow(() -> new InvalidRequestException(body.containsKey("contents")
                        ? "contents must be a list of Content objects" : "contents is not specified"));
        if (rawContents.isEmpty()) {
            throw new InvalidRequestException("contents must not be empty");
        }
        if (rawContents.size() > MAX_CONTENTS) {
            throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED, "contents has "
                    + rawContents.size() + " entries; at most " + MAX_CONTENTS + " are allowed");
        }
        PartBudget parts = new PartBudget();
        this.contents = parseContents(rawContents, "contents", parts);
        this.systemInstruction = body.containsKey("systemInstruction")
                ? Optional.of(parseContent(body.get("systemInstruction"), "systemInstruction", parts))
                : Optional.empty();
        this.inlineParts = parts.inline == null ? List.of() : List.copyOf(parts.inline);
        Map<String, Object> config = generationConfig(body);
        this.mediaResolution = MediaResolution.read(config.get("mediaResolution"));
        this.maxOutputTokens = wholeInRange(config, "generationConfig.", "maxOutputTokens", 1, INT32_MAX);
        this.candidateCount = (int) wholeInRange(config, "generationConfig.", "candidateCount", 1, MAX_CANDIDATES)
                .orElse(1);
        // int32 fields the gateway passes on: refused here rather than truncated or left for Google to refuse
        wholeInRange(config, "generationConfig.", "seed", INT32_MIN, INT32_MAX);
        wholeInRange(config, "generationConfig.", "logprobs", INT32_MIN, INT32_MAX);
        if (config.containsKey("thinkingConfig")) {
            Map<String, Object> thinking = JsonTree.object(config, "thinkingConfig").orElseThrow(() ->
                    new InvalidRequestException("generationConfig.thinkingConfig must be an object"));
            wholeInRange(thinking, "generationConfig.thinkingConfig.", "thinkingBudget", INT32_MIN, INT32_MAX);
        }
        if (config.containsKey("temperature")) {
            Object t = config.get("temperature");
            if (!(t instanceof Number n) || !(n.doubleValue() >= 0) || n.doubleValue() > 2) {
                throw new InvalidRequestException("generationConfig.temperature must be a number from 0 to 2");
            }
        }
    }

    /**
     * Counts parts across every content, so that the limit holds for the request as a whole, and notes where the
     * inline parts are.
     */
    private static final class PartBudget {
        private int used;
        private List<InlinePart> inline;

        void inline(String path, Part.InlineData data) {
            if (inline == null) {
                inline = new ArrayList<>();
            }
            inline.add(new InlinePart(path, data));
        }

        void take(int parts, String path) {
            used += parts;
            if (used > MAX_PARTS) {
                throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED, "the request has more"
                        + " than " + MAX_PARTS + " parts in all (the limit was passed at " + path + ")");
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

    /**
     * The field as a whole number from {@code min} to {@code max}; refused (never truncated) when it is not one.
     * Gemini's int32 fields use the int32 range as their widest bounds.
     */
    private static OptionalLong wholeInRange(Map<String, Object> object, String prefix, String field, long min,
                                             long max) {
        if (!object.containsKey(field)) {
            return OptionalLong.empty();
        }
        OptionalLong value = JsonTree.wholeNumber(object, field);
        if (value.isEmpty() || value.getAsLong() < min || value.getAsLong() > max) {
            throw new InvalidRequestException(prefix + field + " must be a whole number from " + min + " to " + max
                    + (max == INT32_MAX ? " (int32)" : "") + "; got " + describe(object.get(field)));
        }
        return value;
    }

    /** A refused value for an error message: numbers as written (bounded), anything else by its JSON type. */
    private static String describe(Object value) {
        if (value instanceof Number n) {
            String text = n.toString();
            return text.length() <= 40 ? text : text.substring(0, 37) + "...";
        }
        return switch (value) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> b.toString();
            case Map<?, ?> m -> "an object";
            case List<?> l -> "a list";
            default -> "a " + value.getClass().getSimpleName();
        };
    }

    private static List<Content> parseContents(List<Object> raw, String path, PartBudget parts) {
        List<Content> result = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            result.add(parseContent(raw.get(i), path + "[" + i + "]", parts));
        }
        return List.copyOf(result);
    }

    /** One Content checked as in a generation request (an embedding's {@code content}), with its own part budget. */
    static Content parseSingleContent(Object raw, String path) {
        return parseContent(raw, path, new PartBudget());
    }

    private static Content parseContent(Object raw, String path, PartBudget budget) {
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
        budget.take(rawParts.size(), path + ".parts");
        List<Part> parts = new ArrayList<>(rawParts.size());
        for (int i = 0; i < rawParts.size(); i++) {
            String partPath = path + ".parts[" + i + "]";
            Part part = parsePart(rawParts.get(i), partPath);
            if (part instanceof Part.InlineData data) {
                budget.inline(partPath, data);
            }
            parts.add(part);
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
            String problem = base64Problem(base64);
            if (problem != null) {
                throw new InvalidRequestException(path + ".inlineData.data is not valid base64: " + problem);
            }
            return new Part.InlineData(mime, base64, MediaOptions.of(part));
        }
        if (part.containsKey("fileData")) {
            Map<String, Object> data = JsonTree.object(part, "fileData")
                    .orElseThrow(() -> new InvalidRequestException(path + ".fileData must be an object"));
            String uri = JsonTree.string(data, "fileUri").filter(s -> !s.isBlank())
                    .orElseThrow(() -> new InvalidRequestException(path + ".fileData.fileUri is required"));
            return new Part.FileData(JsonTree.string(data, "mimeType").orElse(""), uri, MediaOptions.of(part));
        }
        if (part.isEmpty()) {
            throw new InvalidRequestException(path + " is empty: a part needs text, inlineData, fileData or another kind");
        }
        return new Part.Other(part);
    }

    static boolean isBase64(String s) {
        return base64Problem(s) == null;
    }

    /** Per ASCII character: 0 not base64, 1 in both alphabets, 2 standard only ({@code +/}), 4 URL-safe only. */
    private static final byte[] BASE64_CLASSES = new byte[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE64_CLASSES[c] = 1;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            BASE64_CLASSES[c] = 1;
        }
        for (char c = '0'; c <= '9'; c++) {
            BASE64_CLASSES[c] = 1;
        }
        BASE64_CLASSES['+'] = 2;
        BASE64_CLASSES['/'] = 2;
        BASE64_CLASSES['-'] = 4;
        BASE64_CLASSES['_'] = 4;
    }

    /**
     * Why {@code s} is not base64 as Google reads JSON {@code bytes}: standard ({@code +/}) or URL-safe ({@code -_}),
     * padded or not (but not one alphabet mixed with the other, which no decoder of either reads); null when it is.
     * Checked character by character without decoding, one table lookup each (20 MiB of image in ~30 ms).
     */
    static String base64Problem(String s) {
        int len = s.length();
        int end = len;
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        int alphabets = 0;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            int kind = c < 128 ? BASE64_CLASSES[c] : 0;
            if (kind == 0) {
                return c == '=' ? "padding ('=') may only end it"
                        : "character " + (i + 1) + " is not in the base64 alphabet";
            }
            alphabets |= kind;
        }
        if ((alphabets & 6) == 6) {
            return "it mixes the standard (+/) and URL-safe (-_) alphabets";
        }
        int padding = len - end;
        if (padding > 2 || end % 4 == 1 || (padding > 0 && len % 4 != 0)) {
            return "its length does not fit whole bytes";
        }
        return null;
    }

    public ModelId model() {
        return model;
    }

    /** The request as received, to forward: unknown fields included. */
    public Map<String, Object> body() {
        return body;
    }

    /**
     * The JSON text this request was read from, character for character, when {@link #body()} is still exactly its
     * parse; empty for a request built from a tree or edited. An adapter forwards this text when present.
     */
    public Optional<String> originalJson() {
        return originalJson;
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

    /** Total decoded bytes of every inline part (contents and systemInstruction). */
    public long inlineBytes() {
        long total = 0;
        for (InlinePart p : inlineParts) {
            total += p.data().decodedSize();
        }
        return total;
    }

    /** The inline parts and where they are, in request order. */
    public List<InlinePart> inlineParts() {
        return inlineParts;
    }

    /** {@code generationConfig.mediaResolution}, when set. */
    public Optional<MediaResolution> mediaResolution() {
        return mediaResolution;
    }

    /**
     * Every inline part inspected ({@link InlineMedia#inspect}): the first part whose declared type Gemini does not
     * take, whose bytes are not what it declares, or whose base64 does not decode, is refused with a 400 naming it.
     * Inspected once, on first use, and kept; a request without inline data costs nothing here.
     */
    public List<InlineMedia> inlineMedia() {
        List<InlineMedia> inspected = inlineMedia;
        if (inspected == null) {
            List<InlineMedia> result = new ArrayList<>(inlineParts.size());
            for (InlinePart part : inlineParts) {
                result.add(InlineMedia.inspect(part));
            }
            inspected = List.copyOf(result);
            inlineMedia = inspected;
        }
        return inspected;
    }

    /** The same request for another model (a fallback), body and original text untouched. */
    public GenerationRequest forModel(ModelId other) {
        return new GenerationRequest(other, body, originalJson);
    }

    /**
     * A deliberate edit: the same model with another body, checked again. The original text no longer describes the
     * body, so the result has none and an adapter writes the edited tree.
     */
    public GenerationRequest withBody(Map<String, Object> editedBody) {
        return new GenerationRequest(model, editedBody);
    }
}
