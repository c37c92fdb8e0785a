package dev.gemgate.application.generation;

import dev.gemgate.domain.generation.MediaBounds;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ModelPattern;

import java.time.Duration;
import java.util.Map;

/**
 * Gateway-wide settings of the request path.
 *
 * @param defaultMaxOutputTokens output tokens a request without maxOutputTokens is charged against its rate limits at
 *                               admission (settlement corrects them with the real usage)
 * @param maxOutputTokens        the ceiling a request may ask for, and the model's maximum output that the budget
 *                               reservation of a request without maxOutputTokens covers (at least every served
 *                               model's output limit)
 * @param maxInlineBytes         decoded bytes of inline data per request, for models without their own limit
 *                               (Gemini's historic 20 MB)
 * @param upstreamTimeout        the deadline of one upstream call
 * @param cacheTtl               the response-cache TTL of every tenant where no tenant cache policies are wired (the use
 *                               cases' constructors that take a bare {@code ResponseCache}); production wires
 *                               {@link ResponseCaching} with each tenant's policy over {@code gemgate.cache.default-ttl},
 *                               which is also what this holds there; zero disables the cache
 * @param maxInlinePdfBytes      decoded bytes of one inline PDF, for models without their own limit
 * @param modelInlineLimits      inline limits of particular models: an exact name, or a prefix ending in {@code *}
 *                               (the longest matching prefix wins; an exact name beats every prefix)
 * @param mediaBounds            what the token estimate assumes where it cannot measure (fileData parts, the cap)
 */
public record GenerationPolicy(long defaultMaxOutputTokens, long maxOutputTokens, long maxInlineBytes,
                               Duration upstreamTimeout, Duration cacheTtl, long maxInlinePdfBytes,
                               Map<ModelPattern, InlineLimits> modelInlineLimits, MediaBounds mediaBounds) {
    public GenerationPolicy {
        if (defaultMaxOutputTokens < 1 || maxOutputTokens < defaultMaxOutputTokens || maxInlineBytes < 0
                || upstreamTimeout == null || upstreamTimeout.isNegative() || upstreamTimeout.isZero()
                || cacheTtl == null || cacheTtl.isNegative() || maxInlinePdfBytes < 0 || modelInlineLimits == null
                || mediaBounds == null) {
            throw new IllegalArgumentException("invalid generation policy");
        }
        modelInlineLimits = Map.copyOf(modelInlineLimits);
    }

    /** The same limits for every model, the PDF limit and estimate bounds at their defaults. */
    public GenerationPolicy(long defaultMaxOutputTokens, long maxOutputTokens, long maxInlineBytes,
                            Duration upstreamTimeout, Duration cacheTtl) {
        this(defaultMaxOutputTokens, maxOutputTokens, maxInlineBytes, upstreamTimeout, cacheTtl,
                InlineLimits.DEFAULT_MAX_INLINE_PDF_BYTES, Map.of(), MediaBounds.defaults());
    }

    public static GenerationPolicy defaults() {
        return new GenerationPolicy(8192, 65_536, 20L * 1024 * 1024, Duration.ofSeconds(120), Duration.ZERO);
    }

    /** The inline limits for {@code model}: its exact entry, else its longest matching prefix, else the defaults. */
    public InlineLimits inlineLimits(ModelId model) {
        InlineLimits best = null;
        int bestLength = -1;
        for (Map.Entry<ModelPattern, InlineLimits> entry : modelInlineLimits.entrySet()) {
            ModelPattern pattern = entry.getKey();
            if (!pattern.matches(model)) {
                continue;
            }
            int strength = pattern.isPrefix() ? pattern.value().length() - 1 : Integer.MAX_VALUE;
            if (strength > bestLength) {
                best = entry.getValue();
                bestLength = strength;
            }
        }
        return best != null ? best : new InlineLimits(maxInlineBytes, maxInlinePdfBytes);
    }

    /** The most inline data any model may receive: what the HTTP body limit must let through. */
    public long largestInlineBytes() {
        long largest = maxInlineBytes;
        for (InlineLimits limits : modelInlineLimits.values()) {
            largest = Math.max(largest, limits.maxInlineBytes());
        }
        return largest;
    }
}
