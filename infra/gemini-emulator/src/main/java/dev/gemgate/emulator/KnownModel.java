package dev.gemgate.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The models the emulator knows (a fixed table). Generation models serve {@code generateContent},
 * {@code streamGenerateContent} and {@code countTokens}; the embedding model serves {@code embedContent},
 * {@code batchEmbedContents}, {@code predict} (Vertex) and {@code countTokens}.
 *
 * @param id                  the bare id, e.g. {@code gemini-2.5-flash}
 * @param displayName         e.g. {@code Gemini 2.5 Flash}
 * @param version             e.g. {@code 2.5}
 * @param inputTokenLimit     1,048,576 for the generation models (Gemini 4: input and output together), 2,048 for the
 *                            embedding model
 * @param outputTokenLimit    65,536 for generation models (Gemini 4: the default output cap), 1 for the embedding model
 * @param embeddingDimensions the default embedding size (3072) for the embedding model, 0 otherwise
 * @param preview             whether Google labels it a preview
 * @param thinking            how it thinks (Gemini 3.x and 4), or null (2.5 as emulated, the embedding model)
 * @param sharedTokenLimit    whether {@code inputTokenLimit} bounds the prompt and the requested output together
 *                            (Gemini 4)
 */
public record KnownModel(String id, String displayName, String version, int inputTokenLimit, int outputTokenLimit,
                         int embeddingDimensions, boolean preview, Thinking thinking, boolean sharedTokenLimit) {

    /**
     * How a thinking model is configured and what it reports: {@code usageMetadata.thoughtsTokenCount} (a fixed figure
     * per level, {@link #THOUGHT_TOKENS}, billed as output) and a {@code thoughtSignature} on its first part.
     *
     * @param levels          the {@code thinkingConfig.thinkingLevel} values it accepts (lower case; any case is accepted)
     * @param defaultLevel    the level when none is given
     * @param budgetSupported whether the legacy {@code thinkingConfig.thinkingBudget} is accepted (Gemini 3.x); if not
     *                        (Gemini 4) it is refused with 400 INVALID_ARGUMENT
     */
    public record Thinking(List<String> levels, String defaultLevel, boolean budgetSupported) {

        /** thoughtsTokenCount per level, per candidate: the emulator's fixed figures. */
        public static final Map<String, Integer> THOUGHT_TOKENS = orderedThoughtTokens();

        /** The largest thinkingBudget honoured (Gemini 2.5 Flash's maximum); larger budgets give this many. */
        public static final int MAX_BUDGET = 24_576;

        public Thinking {
            levels = List.copyOf(levels);
            if (!levels.contains(defaultLevel)) {
                throw new IllegalArgumentException("default level " + defaultLevel + " not among " + levels);
            }
        }

        /** The thoughts tokens of one candidate at {@code level} (a known level, any case). */
        public int thoughtTokens(String level) {
            Integer tokens = THOUGHT_TOKENS.get(level.toLowerCase(Locale.ROOT));
            if (tokens == null) {
                throw new IllegalArgumentException("unknown thinking level " + level);
            }
            return tokens;
        }

        private static Map<String, Integer> orderedThoughtTokens() {
            Map<String, Integer> tokens = new LinkedHashMap<>();
            tokens.put("minimal", 16);
            tokens.put("low", 64);
            tokens.put("medium", 256);
            tokens.put("high", 1024);
            tokens.put("xhigh", 4096);
            return java.util.Collections.unmodifiableMap(tokens);
        }
    }

    /** Gemini 3.x: minimal to high, high by default, thinkingBudget still accepted. */
    public static final Thinking GEMINI_3_THINKING = new Thinking(List.of("minimal", "low", "medium", "high"), "high", true);
    /** gemini-4-argon: low, medium (default), high; no thinkingBudget. */
    public static final Thinking ARGON_THINKING = new Thinking(List.of("low", "medium", "high"), "medium", false);
    /** gemini-4-hydrogen: low, medium (default), high, xhigh; no thinkingBudget. */
    public static final Thinking HYDROGEN_THINKING = new Thinking(List.of("low", "medium", "high", "xhigh"), "medium",
            false);

    public static final int GENERATION_INPUT_LIMIT = 1_048_576;
    public static final int GENERATION_OUTPUT_LIMIT = 65_536;
    public static final int EMBEDDING_DIMENSIONS = 3072;

    private static final List<KnownModel> ALL = List.of(
            gen("gemini-2.5-pro", "Gemini 2.5 Pro", "2.5", false, null),
            gen("gemini-2.5-flash", "Gemini 2.5 Flash", "2.5", false, null),
            gen("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "2.5", false, null),
            gen("gemini-3.5-flash", "Gemini 3.5 Flash", "3.5", false, GEMINI_3_THINKING),
            gen("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", "3.5", false, GEMINI_3_THINKING),
            gen("gemini-3.6-flash", "Gemini 3.6 Flash", "3.6", false, GEMINI_3_THINKING),
            gen("gemini-3.7-flash", "Gemini 3.7 Flash", "3.7", false, GEMINI_3_THINKING),
            gen("gemini-3.8-flash", "Gemini 3.8 Flash", "3.8", false, GEMINI_3_THINKING),
            gen("gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite", "3.1", false, GEMINI_3_THINKING),
            gen("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", "3.1", true, GEMINI_3_THINKING),
            gen("gemini-3-flash-preview", "Gemini 3 Flash Preview", "3", true, GEMINI_3_THINKING),
            gemini4("gemini-4-argon", "Gemini 4 Argon", ARGON_THINKING),
            gemini4("gemini-4-hydrogen", "Gemini 4 Hydrogen", HYDROGEN_THINKING),
            new KnownModel("gemini-embedding-001", "Gemini Embedding 001", "001", 2048, 1, EMBEDDING_DIMENSIONS, false,
                    null, false));

    private static final Map<String, KnownModel> BY_ID = new LinkedHashMap<>();

    static {
        ALL.forEach(m -> BY_ID.put(m.id(), m));
    }

    private static KnownModel gen(String id, String name, String version, boolean preview, Thinking thinking) {
        return new KnownModel(id, name, version, GENERATION_INPUT_LIMIT, GENERATION_OUTPUT_LIMIT, 0, preview, thinking,
                false);
    }

    /** One limit of 1,048,576 tokens for input and output together, 65,536 output tokens by default. */
    private static KnownModel gemini4(String id, String name, Thinking thinking) {
        return new KnownModel(id, name, "4", GENERATION_INPUT_LIMIT, GENERATION_OUTPUT_LIMIT, 0, false, thinking, true);
    }

    /** Every known model, in listing order. */
    public static List<KnownModel> all() {
        return ALL;
    }

    /** The model named {@code id} ({@code models/} or {@code publishers/google/models/} prefixes allowed), or null. */
    public static KnownModel find(String id) {
        return id == null ? null : BY_ID.get(FaultPlan.normalizeModel(id));
    }

    /** Whether it thinks: reports thoughtsTokenCount and signs its first part (Gemini 3.x and 4). */
    public boolean isThinking() {
        return thinking != null;
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
            case "embedContent", "batchEmbedContents", "predict", "asyncBatchEmbedContent" -> isEmbedding();
            case "batchGenerateContent" -> !isEmbedding();
            default -> false;
        };
    }
}
