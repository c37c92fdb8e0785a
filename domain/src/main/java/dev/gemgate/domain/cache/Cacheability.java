package dev.gemgate.domain.cache;

import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.JsonTree;

import java.util.List;
import java.util.Map;

/**
 * What may be served from the response cache and what may be stored in it.
 *
 * <ul>
 *   <li>A request is cacheable when its tenant's {@link CachePolicy} has a TTL, and it is deterministic
 *   ({@code generationConfig.temperature} explicitly 0: an absent temperature means the model's default, which is
 *   above 0) or the tenant opted in to caching requests that are not.</li>
 *   <li>An answer is stored only when it is complete: at least one candidate, every candidate finished with
 *   {@code STOP} (not SAFETY, RECITATION, MAX_TOKENS or anything else), and no {@code promptFeedback.blockReason}.
 *   Errors are never answers, and an answer served by a fallback model is not the asked model's (the use case checks
 *   that).</li>
 * </ul>
 */
public final class Cacheability {
    private Cacheability() {
    }

    /** {@code generationConfig.temperature} is present and 0. */
    public static boolean isDeterministic(GenerationRequest request) {
        return JsonTree.object(request.body(), "generationConfig")
                .map(config -> config.get("temperature") instanceof Number n && n.doubleValue() == 0)
                .orElse(false);
    }

    public static boolean isCacheable(GenerationRequest request, CachePolicy policy) {
        return policy.enabled() && (policy.cacheNonDeterministic() || isDeterministic(request));
    }

    public static boolean isStorable(GenerationResponse response) {
        if (JsonTree.object(response.body(), "promptFeedback").map(f -> f.containsKey("blockReason")).orElse(false)) {
            return false;
        }
        List<Object> candidates = JsonTree.array(response.body(), "candidates").orElse(List.of());
        if (candidates.isEmpty()) {
            return false;
        }
        for (Object candidate : candidates) {
            if (!JsonTree.isObject(candidate)) {
                return false;
            }
            Map<String, Object> c = JsonTree.asObject(candidate);
            if (!"STOP".equals(c.get("finishReason"))) {
                return false;
            }
        }
        return true;
    }
}
