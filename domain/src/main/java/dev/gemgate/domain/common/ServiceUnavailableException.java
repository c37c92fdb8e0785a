package dev.gemgate.domain.common;

import java.time.Duration;

/**
 * Something the gateway itself depends on (its database; its model catalog, before the upstream first listed its
 * models) is not available, so the request cannot be checked or served right now: 503 UNAVAILABLE with a
 * {@code Retry-After}. Distinct from {@link UpstreamException}, which reports one failed call to Gemini.
 */
public final class ServiceUnavailableException extends DomainException {
    private final Duration retryAfter;

    public ServiceUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be zero or positive");
        }
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
