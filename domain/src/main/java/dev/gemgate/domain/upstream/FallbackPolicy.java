package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's own fallback setting. {@code strict}: its requests are only ever served by the model they name (no
 * fallback at all, whatever the configured chains say). {@code chains}: per requested model, the models to try in
 * order when it cannot serve (its circuit is open on every credential, or its retries are exhausted); a model named
 * here replaces the configured chain of that model for this tenant (an empty list: no fallback for that model).
 */
public record FallbackPolicy(boolean strict, Map<ModelId, List<ModelId>> chains) {
    /** The most models one chain may list. */
    public static final int MAX_CHAIN = 4;
    /** The most requested models a tenant's policy may name. */
    public static final int MAX_MODELS = 100;

    /** No setting of its own: the configured chains apply. */
    public static final FallbackPolicy DEFAULT = new FallbackPolicy(false, Map.of());

    public FallbackPolicy {
        if (chains == null) {
            throw new IllegalArgumentException("chains are required (use an empty map)");
        }
        if (chains.size() > MAX_MODELS) {
            throw new IllegalArgumentException("a fallback policy names at most " + MAX_MODELS + " models");
        }
        Map<ModelId, List<ModelId>> copy = new LinkedHashMap<>();
        chains.forEach((model, chain) -> {
            if (model == null || chain == null) {
                throw new IllegalArgumentException("a fallback chain names its model and lists models");
            }
            if (chain.size() > MAX_CHAIN) {
                throw new IllegalArgumentException("the fallback chain of models/" + model + " lists more than "
                        + MAX_CHAIN + " models");
            }
            if (chain.contains(model) || chain.stream().distinct().count() != chain.size()) {
                throw new IllegalArgumentException("the fallback chain of models/" + model
                        + " repeats a model or names the model itself");
            }
            copy.put(model, List.copyOf(chain));
        });
        chains = java.util.Collections.unmodifiableMap(copy);
    }
}
