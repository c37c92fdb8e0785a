package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ModelPattern;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google's limits on each upstream credential x model, as configured (Google no longer publishes them as fixed
 * numbers): requests per minute, tokens per minute, requests per day. Gemgate tracks its own use against them
 * fleet-wide through the rate limiter ({@code QuotaLimiter.admit(request, limits, now)}), in buckets keyed
 * {@code upstream:<credential>:<model>:rpm|tpm|rpd}, so every replica counts against the one allowance. Requests per
 * day is a {@link Bucket.Shape#PER_DAY_PACIFIC} bucket: Google's daily quota resets at midnight Pacific time.
 *
 * <p>Limits are set per model pattern: an exact model ({@code gemini-2.5-flash}), a prefix ending in {@code *}
 * ({@code gemini-3.*}) or {@code *} for every model. The most specific pattern wins: the exact name, else the longest
 * prefix, else {@code *}; a model no pattern matches is not counted. Each model keeps its own buckets even when a
 * prefix sets its limits, as Google's limits are per model. The same limits apply to every credential (one credential
 * today); each credential has its own buckets.
 */
public final class UpstreamLimits {
    /** No upstream limit configured: nothing is counted. */
    public static final UpstreamLimits NONE = new UpstreamLimits(Map.of());

    private static final RateLimit.Kind[] KINDS = RateLimit.Kind.values();
    private static final String EVERY_MODEL = "*";

    private final Map<String, RateLimits> exact = new LinkedHashMap<>();
    private final List<Map.Entry<ModelPattern, RateLimits>> prefixes = new ArrayList<>();
    private final RateLimits everyModel;
    private final ConcurrentHashMap<Key, List<RateLimit>> resolved = new ConcurrentHashMap<>();

    private record Key(UpstreamCredentialId credential, ModelId model) {
    }

    /**
     * @param byPattern limits per model pattern ({@code RateLimits.concurrentRequests} is not an upstream limit and is
     *                  refused)
     * @throws IllegalArgumentException naming a bad pattern or a concurrency limit
     */
    public UpstreamLimits(Map<String, RateLimits> byPattern) {
        RateLimits all = RateLimits.UNLIMITED;
        for (Map.Entry<String, RateLimits> entry : byPattern.entrySet()) {
            String text = entry.getKey() == null ? "" : entry.getKey().strip();
            RateLimits limits = entry.getValue();
            if (limits == null) {
                throw new IllegalArgumentException("upstream limits for '" + text + "' are missing");
            }
            if (limits.concurrentRequests().isPresent()) {
                throw new IllegalArgumentException("upstream limits for '" + text + "': concurrent requests are not an "
                        + "upstream limit (the upstream gate adapts them)");
            }
            if (text.equals(EVERY_MODEL)) {
                all = limits;
                continue;
            }
            ModelPattern pattern = new ModelPattern(text);
            if (pattern.isPrefix()) {
                prefixes.add(Map.entry(pattern, limits));
            } else {
                exact.put(pattern.value(), limits);
            }
        }
        prefixes.sort((a, b) -> Integer.compare(b.getKey().value().length(), a.getKey().value().length()));
        this.everyModel = all;
    }

    /** The configured limits of {@code model} (the most specific pattern's), or {@link RateLimits#UNLIMITED}. */
    public RateLimits of(ModelId model) {
        RateLimits limits = exact.get(model.value());
        if (limits != null) {
            return limits;
        }
        for (Map.Entry<ModelPattern, RateLimits> prefix : prefixes) {
            if (prefix.getKey().matches(model)) {
                return prefix.getValue();
            }
        }
        return everyModel;
    }

    /**
     * The limits a call of {@code model} with {@code credential} is held to, each with its fleet-wide bucket: requests
     * per day (Pacific days), requests per minute, tokens per minute; empty when none is configured.
     */
    public List<RateLimit> limitsFor(UpstreamCredentialId credential, ModelId model) {
        return resolved.computeIfAbsent(new Key(credential, model), k -> resolve(credential, model));
    }

    private List<RateLimit> resolve(UpstreamCredentialId credential, ModelId model) {
        RateLimits limits = of(model);
        if (limits.isUnlimited()) {
            return List.of();
        }
        String prefix = RateLimit.Scope.UPSTREAM.keyPrefix() + ":" + credential.value() + ":" + model.value() + ":";
        List<RateLimit> out = new ArrayList<>(3);
        for (RateLimit.Kind kind : KINDS) {
            OptionalLong limit = limits.of(kind);
            if (limit.isPresent()) {
                Bucket.Shape shape = kind.shape().perDay() ? Bucket.Shape.PER_DAY_PACIFIC : kind.shape();
                out.add(new RateLimit(kind, RateLimit.Scope.UPSTREAM,
                        new Bucket(prefix + kind.keySuffix(), shape, limit.getAsLong())));
            }
        }
        return List.copyOf(out);
    }
}
