package dev.gemgate.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models the emulator knows (a fixed table). Generation models serve {@code generateContent},
 * {@code streamGenerateContent} and {@code countTokens}; the embedding model serves {@code embedContent},
 * {@code batchEmbedContents}, {@code predict} (Vertex) and {@code countTokens}.
 *
 * @param id                  the bare id, e.g. {@code gemini-2.5-flash}
 * @param displayName         e.g. {@code Gemini 2.5 Flash}
 * @param version             e.g. {@code 2.5}
 * @param inputTokenLimit     1,048,576 for the 2.5 and 3.x generation models, 2,048 for the embedding model
 * @param outputTokenLimit    65,536 for generation models, 1 for the embedding model
 * @param embeddingDimensions the default embedding size (3072) for the embedding model, 0 otherwise
 * @param preview             whether Google labels it a preview
 */
public record KnownModel(String id, String displayName, String version, int inputTokenLimit, int outputTokenLimit,
                         int embeddingDimensions, boolean preview) {

    public static final int GENERATION_INPUT_LIMIT = 1_048_576;
    public static final int GENERATION_OUTPUT_LIMIT = 65_536;
    public static final int EMBEDDING_DIMENSIONS = 3072;

    private static final List<KnownModel> ALL = List.of(
            gen("gemini-2.5-pro", "Gemini 2.5 Pro", "2.5", false),
            gen("gemini-2.5-flash", "Gemini 2.5 Flash", "2.5", false),
            gen("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "2.5", false),
            gen("gemini-3.5-flash", "Gemini 3.5 Flash", "3.5", false),
            gen("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", "3.5", false),
            gen("gemini-3.6-flash", "Gemini 3.6 Flash", "3.6", false),
            gen("gemini-3.7-flash", "Gemini 3.7 Flash", "3.7", false),
            gen("gemini-3.8-flash", "Gemini 3.8 Flash", "3.8", false),
            gen("gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite", "3.1", false),
            gen("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", "3.1", true),
            gen("gemini-3-flash-preview", "Gemini 3 Flash Preview", "3", true),
            new KnownModel("gemini-embedding-001", "Gemini Embedding 001", "001", 2048, 1, EMBEDDING_DIMENSIONS, false));

    private static final Map<String, KnownModel> BY_ID = new LinkedHashMap<>();

    static {
        ALL.forEach(m -> BY_ID.put(m.id(), m));
    }

    private static KnownModel gen(String id, String name, String version, boolean preview) {
        return new KnownModel(id, name, version, GENERATION_INPUT_LIMIT, GENERATION_OUTPUT_LIMIT, 0, preview);
    }

    /** Every known model, in listing order. */
    public static List<KnownModel> all() {
        return ALL;
    }

    /** The model named {@code id} ({@code models/} or {@code publishers/google/models/} prefixes allowed), or null. */
    public static KnownModel find(String id) {
        return id == null ? null : BY_ID.get(FaultPlan.normalizeModel(id));
    }

    public boolean isEmbedding() {
        return embeddingDimensions > 0;
    }

    /** The methods listed in {@code supportedGenerationMethods}. */
    public List<String> supportedGenerationMethods() {
        return isEmbedding()
                ? List.of("embedContent", "batchEmbedContents", "countTokens")
                : List.of("generateContent", "streamGenerateContent", "countTokens");
    }

    /** Whether this model serves the API method (action after the colon, e.g. {@code generateContent}). */
    public boolean supports(String action) {
        return switch (action) {
            case "countTokens" -> true;
            case "generateContent", "streamGenerateContent" -> !isEmbedding();
            case "embedContent", "batchEmbedContents", "predict" -> isEmbedding();
            default -> false;
        };
    }
}
