package dev.gemgate.domain.generation;

import java.util.List;
import java.util.OptionalInt;

/** Texts to embed with one model. */
public record EmbeddingRequest(ModelId model, List<String> texts, OptionalInt outputDimensionality) {
    public EmbeddingRequest {
        texts = List.copyOf(texts);
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("at least one text to embed");
        }
    }
}
