package dev.gemgate.domain.generation;

/**
 * Token usage of one call, as Gemini's {@code usageMetadata} reports it. Thinking tokens are billed as output;
 * cached tokens are part of the prompt count and billed at the cached rate. {@code audioPromptTokens} is the AUDIO
 * entry of {@code promptTokensDetails}, part of the prompt count (0 when the upstream does not say); it is not stored
 * in the audit log, which keeps the cost.
 */
public record Usage(long promptTokens, long candidatesTokens, long thoughtsTokens, long cachedTokens,
                    long audioPromptTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage {
        if (promptTokens < 0 || candidatesTokens < 0 || thoughtsTokens < 0 || cachedTokens < 0
                || audioPromptTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
        if (cachedTokens > promptTokens) {
            throw new IllegalArgumentException("cached tokens are part of the prompt and cannot exceed it");
        }
        if (audioPromptTokens > promptTokens) {
            throw new IllegalArgumentException("audio prompt tokens are part of the prompt and cannot exceed it");
        }
    }

    /** Usage without an audio share of the prompt. */
    public Usage(long promptTokens, long candidatesTokens, long thoughtsTokens, long cachedTokens) {
        this(promptTokens, candidatesTokens, thoughtsTokens, cachedTokens, 0);
    }

    public long outputTokens() {
        return candidatesTokens + thoughtsTokens;
    }

    public long totalTokens() {
        return promptTokens + candidatesTokens + thoughtsTokens;
    }
}
