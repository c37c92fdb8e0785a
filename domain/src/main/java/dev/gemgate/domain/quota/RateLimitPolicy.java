package dev.gemgate.domain.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which limits apply to a request, and the fleet-wide {@link Bucket} of each: a pure function of the
 * {@link RateLimitSource}'s limits. Scopes in this order: the tenant, the tenant x model (only for a request that names
 * a model), the API key; within each, requests per day, requests per minute, tokens per minute. Bucket keys:
 * {@code tenant:<tenant id>:rpm}, {@code tenant-model:<tenant id>:<model>:tpm}, {@code key:<key id>:rpd}.
 */
public final class RateLimitPolicy {
    private static final RateLimit.Kind[] KINDS = RateLimit.Kind.values();

    private final RateLimitSource source;

    public RateLimitPolicy(RateLimitSource source) {
        if (source == null) {
            throw new IllegalArgumentException("a rate-limit source is required");
        }
        this.source = source;
    }

    /** The limits {@code request} is held to; empty when none is set (nothing is counted then). */
    public List<RateLimit> limitsFor(QuotaRequest request) {
        RateLimits tenant = source.tenant(request.tenant());
        RateLimits tenantModel = request.model().isPresent()
                ? source.tenantModel(request.tenant(), request.model().get()) : RateLimits.UNLIMITED;
        RateLimits key = source.apiKey(request.tenant(), request.apiKey());
        if (tenant.isUnlimited() && tenantModel.isUnlimited() && key.isUnlimited()) {
            return List.of();
        }
        List<RateLimit> limits = new ArrayList<>(9);
        add(limits, RateLimit.Scope.TENANT, tenant, "tenant:" + request.tenant() + ":");
        if (!tenantModel.isUnlimited()) {
            add(limits, RateLimit.Scope.TENANT_MODEL, tenantModel,
                    "tenant-model:" + request.tenant() + ":" + request.model().orElseThrow() + ":");
        }
        add(limits, RateLimit.Scope.API_KEY, key, "key:" + request.apiKey() + ":");
        return limits;
    }

    private static void add(List<RateLimit> limits, RateLimit.Scope scope, RateLimits set, String keyPrefix) {
        if (set.isUnlimited()) {
            return;
        }
        for (RateLimit.Kind kind : KINDS) {
            OptionalLong limit = set.of(kind);
            if (limit.isPresent()) {
                limits.add(new RateLimit(kind, scope, new Bucket(keyPrefix + kind.keySuffix(), kind.shape(),
                        limit.getAsLong())));
            }
        }
    }
}
