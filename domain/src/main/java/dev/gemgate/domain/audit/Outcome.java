package dev.gemgate.domain.audit;

/** How a request ended, for audit and metrics. */
public enum Outcome {
    SUCCESS, CACHE_HIT, INVALID_REQUEST, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED, QUOTA_REFUSED,
    BUDGET_REFUSED, UPSTREAM_RATE_LIMITED, UPSTREAM_ERROR, TIMEOUT,
    /** A dependency of the gateway itself (its database) was unreachable: 503, the caller may retry. */
    UNAVAILABLE,
    /** An unexpected failure inside the gateway: 500 in the surface's envelope. */
    INTERNAL_ERROR,
    /** The request conflicted with the current state (a duplicate name): 409. */
    CONFLICT,
    /**
     * The client went away before the answer was complete (a stream it stopped reading): the upstream call was
     * cancelled and what it had produced is charged.
     */
    CLIENT_CLOSED;

    public boolean isSuccess() {
        return this == SUCCESS || this == CACHE_HIT;
    }
}
