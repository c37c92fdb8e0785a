package dev.gemgate.domain.generation;

/**
 * Token usage of one call, as Gemini's {@code usageMetadata} reports it. Thinking tokens are billed as output;
 * cached tokens are part of the prompt count and billed at the cached rate.
 */
public record Usage(long promptTokens, long candidatesTokens, long thoughtsTokens, long cachedTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage {
        if (promptTokens < 0 || candidatesTokens < 0 || thoughtsTokens < 0 || cachedTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
        if (cachedTokens > promptTokens) {
            throw new IllegalArgumentException("cached tokens are part of the prompt and cannot exceed it");
        }
    }

    public long outputTokens() {
        return candidatesTokens + thoughtsTokens;
    }

    public long totalTokens() {
        return promptTokens + candidatesTokens + thoughtsTokens;
    }
}
