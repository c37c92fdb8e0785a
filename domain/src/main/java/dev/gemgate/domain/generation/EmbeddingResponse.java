package dev.gemgate.domain.generation;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * An embedding answer in Gemini's own form for the method asked ({@code {"embedding":{...}}} for embedContent,
 * {@code {"embeddings":[...]}} for batchEmbedContents), as JSON text to forward untouched. {@code reportedTokens} is
 * the input token count when the upstream reports one (Vertex AI does; the Developer API does not).
 */
public record EmbeddingResponse(String json, OptionalLong reportedTokens) {
    public EmbeddingResponse {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(reportedTokens, "reportedTokens");
    }
}
