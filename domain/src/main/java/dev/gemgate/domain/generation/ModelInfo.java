package dev.gemgate.domain.generation;

import java.util.List;

/** What the upstream says of a model. */
public record ModelInfo(ModelId id, String displayName, long inputTokenLimit, long outputTokenLimit,
                        List<String> supportedGenerationMethods) {
    public ModelInfo {
        supportedGenerationMethods = List.copyOf(supportedGenerationMethods);
        if (inputTokenLimit < 0 || outputTokenLimit < 0) {
            throw new IllegalArgumentException("token limits cannot be negative");
        }
    }
}
