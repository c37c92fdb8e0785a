package dev.gemgate.domain.tenant;

/** The tenant-facing API surfaces a key may be limited to. */
public enum ApiSurface {
    /** Gemini's native REST API ({@code /v1beta/models/...:generateContent}, streaming, countTokens, models). */
    GEMINI,
    /** The OpenAI-compatible surface ({@code /v1/chat/completions} and friends). */
    OPENAI,
    /** Embeddings, on either surface ({@code embedContent}, {@code batchEmbedContents}, {@code /v1/embeddings}). */
    EMBEDDINGS,
    /** Batch jobs ({@code batchGenerateContent}, files). */
    BATCH,
    /**
     * Reading the tenant's own usage and cost ({@code /gemgate/v1/usage}): all of the tenant's keys, models and end
     * users, so a key handed to one application or end user can be kept from it by scoping it to other surfaces.
     */
    USAGE
}
