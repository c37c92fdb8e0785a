package dev.gemgate.application.generation;

import java.time.Duration;

/**
 * Gateway-wide settings of the request path.
 *
 * @param defaultMaxOutputTokens output tokens reserved for when a request does not set maxOutputTokens
 * @param maxOutputTokens        the ceiling a request may ask for
 * @param maxInlineBytes         decoded bytes of inline data per request (Gemini's historic 20 MB)
 * @param upstreamTimeout        the deadline of one upstream call
 * @param cacheTtl               how long a cached response is served; zero disables the cache
 */
public record GenerationPolicy(long defaultMaxOutputTokens, long maxOutputTokens, long maxInlineBytes,
                               Duration upstreamTimeout, Duration cacheTtl) {
    public GenerationPolicy {
        if (defaultMaxOutputTokens < 1 || maxOutputTokens < defaultMaxOutputTokens || maxInlineBytes < 0
                || upstreamTimeout == null || upstreamTimeout.isNegative() || upstreamTimeout.isZero()
                || cacheTtl == null || cacheTtl.isNegative()) {
            throw new IllegalArgumentException("invalid generation policy");
        }
    }

    public static GenerationPolicy defaults() {
        return new GenerationPolicy(8192, 65_536, 20L * 1024 * 1024, Duration.ofSeconds(120), Duration.ZERO);
    }
}
