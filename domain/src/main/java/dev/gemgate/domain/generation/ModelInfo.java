package dev.gemgate.domain.generation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the upstream says of a model: the fields Gemgate reads, typed, and the upstream's whole model object as a JSON
 * tree ({@link JsonTree}'s form), so that what SDKs read and Gemgate does not model ({@code version},
 * {@code description}, {@code thinking}, {@code temperature}, {@code maxTemperature}, {@code topP}, {@code topK}, and
 * whatever Google adds next) passes through to the tenant. Empty when the upstream adapter does not keep it.
 */
public record ModelInfo(ModelId id, String displayName, long inputTokenLimit, long outputTokenLimit,
                        List<String> supportedGenerationMethods, Map<String, Object> upstreamFields) {
    public ModelInfo {
        if (id == null || displayName == null || supportedGenerationMethods == null || upstreamFields == null) {
            throw new IllegalArgumentException("id, display name, methods and upstream fields are required");
        }
        supportedGenerationMethods = List.copyOf(supportedGenerationMethods);
        // JSON null is a value here, so not Map.copyOf; the order is the upstream's
        upstreamFields = Collections.unmodifiableMap(new LinkedHashMap<>(upstreamFields));
        if (inputTokenLimit < 0 || outputTokenLimit < 0) {
            throw new IllegalArgumentException("token limits cannot be negative");
        }
    }

    /** A model whose upstream object was not kept: only the typed fields. */
    public ModelInfo(ModelId id, String displayName, long inputTokenLimit, long outputTokenLimit,
                     List<String> supportedGenerationMethods) {
        this(id, displayName, inputTokenLimit, outputTokenLimit, supportedGenerationMethods, Map.of());
    }
}
