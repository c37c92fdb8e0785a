package dev.gemgate.domain.generation;

import java.util.List;

/** One vector per text, in order. */
public record EmbeddingResponse(List<float[]> vectors, long inputTokens) {
    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }
}
