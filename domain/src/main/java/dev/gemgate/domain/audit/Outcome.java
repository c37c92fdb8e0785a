package dev.gemgate.domain.audit;

/** How a request ended, for audit and metrics. */
public enum Outcome {
    SUCCESS, CACHE_HIT, INVALID_REQUEST, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED, QUOTA_REFUSED,
    BUDGET_REFUSED, UPSTREAM_RATE_LIMITED, UPSTREAM_ERROR, TIMEOUT;

    public boolean isSuccess() {
        return this == SUCCESS || this == CACHE_HIT;
    }
}
