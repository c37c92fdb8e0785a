package dev.gemgate.app;

import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Upstream awareness: Google's configured limits per credential x model ({@code gemgate.upstream.limits.*}, counted
 * fleet-wide by the one {@code QuotaLimiter}) and the {@link UpstreamGate} that backs off a credential x model Google
 * answers 429 ({@code gemgate.upstream.gate.*}). Both are checked at start-up: a bad model pattern or a limit outside 1
 * to 10^11 stops the start naming the setting. The {@code Admission} producer hands them to every ticket.
 */
@Singleton
public class UpstreamLimitsWiring {
    @Produces
    @Singleton
    UpstreamLimits upstreamLimits(GemgateConfig config) {
        Map<String, RateLimits> byPattern = new LinkedHashMap<>();
        config.upstream().limits().forEach((pattern, settings) -> byPattern.put(pattern, limits(pattern, settings)));
        try {
            return new UpstreamLimits(byPattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.upstream.limits: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    UpstreamGate upstreamGate(GemgateConfig config) {
        GemgateConfig.Upstream.Gate gate = config.upstream().gate();
        try {
            return new UpstreamGate(new UpstreamGate.Settings(gate.maxInFlight(), gate.defaultCooldown()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.upstream.gate: " + e.getMessage(), e);
        }
    }

    static RateLimits limits(String pattern, GemgateConfig.Upstream.UpstreamLimitSettings settings) {
        String prefix = "gemgate.upstream.limits.\"" + pattern + "\".";
        RateLimits limits = RateLimits.UNLIMITED;
        limits = QuotaWiring.with(limits, prefix, "requests-per-minute", settings.requestsPerMinute());
        limits = QuotaWiring.with(limits, prefix, "tokens-per-minute", settings.tokensPerMinute());
        return QuotaWiring.with(limits, prefix, "requests-per-day", settings.requestsPerDay());
    }
}
