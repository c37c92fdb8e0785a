package dev.gemgate.domain.quota;

import java.util.Objects;

/**
 * One limit that applies to a request: which kind, over which scope, kept in which fleet-wide {@link Bucket}.
 * {@link #name()} is what a refusal names (Gemini's QuotaFailure {@code quotaId}), shaped like Google's own ids
 * ({@code RequestsPerMinutePerTenant}, {@code TokensPerMinutePerTenantPerModel}, {@code RequestsPerDayPerApiKey}), so
 * that a client that tells per-minute from per-day exhaustion by Google's ids reads Gemgate's the same way.
 */
public record RateLimit(Kind kind, Scope scope, Bucket bucket) {
    /** What a request costs against a limit: one request, or its tokens. */
    public enum Unit { REQUESTS, TOKENS }

    public enum Kind {
        REQUESTS_PER_DAY("RequestsPerDay", "rpd", Bucket.Shape.PER_DAY_UTC, Unit.REQUESTS),
        REQUESTS_PER_MINUTE("RequestsPerMinute", "rpm", Bucket.Shape.PER_MINUTE, Unit.REQUESTS),
        TOKENS_PER_MINUTE("TokensPerMinute", "tpm", Bucket.Shape.PER_MINUTE, Unit.TOKENS);

        private final String quotaName;
        private final String keySuffix;
        private final Bucket.Shape shape;
        private final Unit unit;

        Kind(String quotaName, String keySuffix, Bucket.Shape shape, Unit unit) {
            this.quotaName = quotaName;
            this.keySuffix = keySuffix;
            this.shape = shape;
            this.unit = unit;
        }

        public Bucket.Shape shape() {
            return shape;
        }

        public Unit unit() {
            return unit;
        }

        /** The suffix of its bucket keys: {@code rpd}, {@code rpm} or {@code tpm}. */
        public String keySuffix() {
            return keySuffix;
        }
    }

    public enum Scope {
        TENANT("", "PerTenant", "tenant"),
        TENANT_MODEL("", "PerTenantPerModel", "tenant-model"),
        API_KEY("", "PerApiKey", "key"),
        /**
         * Google's limit of one upstream credential x model, as Gemgate tracks its own use against it (names
         * {@code UpstreamRequestsPerMinute}, {@code UpstreamTokensPerMinute}, {@code UpstreamRequestsPerDay}; keys
         * {@code upstream:<credential>:<model>:rpm}).
         */
        UPSTREAM("Upstream", "", "upstream");

        private final String namePrefix;
        private final String quotaName;
        private final String keyPrefix;

        Scope(String namePrefix, String quotaName, String keyPrefix) {
            this.namePrefix = namePrefix;
            this.quotaName = quotaName;
            this.keyPrefix = keyPrefix;
        }

        /** The prefix of its bucket keys: {@code tenant}, {@code tenant-model} or {@code key}. */
        public String keyPrefix() {
            return keyPrefix;
        }

        /** The name of a limit of {@code kind} (e.g. {@code RequestsPerMinute}) over this scope. */
        public String nameOf(String kind) {
            return namePrefix + kind + quotaName;
        }
    }

    public RateLimit {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.shape() != kind.shape() && !(bucket.shape().perDay() && kind.shape().perDay())) {
            throw new IllegalArgumentException("a " + kind + " limit needs a " + kind.shape() + " bucket");
        }
    }

    /** E.g. {@code TokensPerMinutePerTenantPerModel}, {@code UpstreamRequestsPerDay}. */
    public String name() {
        return scope.nameOf(kind.quotaName);
    }

    public long limit() {
        return bucket.limit();
    }

    public Unit unit() {
        return kind.unit();
    }

    /** What {@code request} costs against this limit. */
    public long cost(QuotaRequest request) {
        return kind.unit() == Unit.REQUESTS ? request.requests() : request.tokens();
    }
}
