package dev.gemgate.domain.common;


import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A failure reported by (or on the way to) the upstream, typed by what the gateway should do about it. */
public final class UpstreamException extends DomainException {
    public enum Kind {
        /** 429: Google's quota; retryable after {@link #retryDelay()} when given. */
        RATE_LIMITED(true),
        /** 500, 502, 503, connection failures: retryable. */
        UNAVAILABLE(true),
        /** 504 or our own deadline ran out. */
        TIMEOUT(true),
        /** 400 and friends: the request itself is wrong; not retryable. */
        INVALID_REQUEST(false),
        /** 404: the upstream does not have the model. */
        NOT_FOUND(false),
        /** 401/403 on the upstream credential: an operator problem, never the tenant's. */
        CREDENTIAL_REJECTED(false),
        /** A response the gateway could not read. */
        PROTOCOL_ERROR(false),
        /** Gemgate's circuit breaker for this credential x model is open: no call was made; another may serve. */
        CIRCUIT_OPEN(true),
        /** The credential's bulkhead is full (its cap of calls in flight): no call was made; another may serve. */
        CREDENTIAL_BUSY(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final Duration retryDelay;
    private final List<String> quotaIds;
    private final int attempts;

    public UpstreamException(Kind kind, int upstreamStatus, String message, Duration retryDelay, Throwable cause) {
        this(kind, upstreamStatus, message, retryDelay, List.of(), cause);
    }

    /**
     * @param quotaIds the {@code quotaId}s of a 429's QuotaFailure violations (e.g.
     *                 {@code GenerateRequestsPerDayPerProjectPerModel-FreeTier}), which tell per-minute from per-day
     *                 exhaustion; empty when the upstream named none
     */
    public UpstreamException(Kind kind, int upstreamStatus, String message, Duration retryDelay, List<String> quotaIds,
                             Throwable cause) {
        this(kind, upstreamStatus, message, retryDelay, quotaIds, cause, 1);
    }

    private UpstreamException(Kind kind, int upstreamStatus, String message, Duration retryDelay, List<String> quotaIds,
                              Throwable cause, int attempts) {
        super(message, cause);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.retryDelay = retryDelay;
        this.quotaIds = quotaIds == null ? List.of() : List.copyOf(quotaIds);
        this.attempts = attempts;
    }

    /**
     * This failure as the last of {@code attempts} upstream attempts of one request (retries, other credentials,
     * fallback models), for the caller's error; {@link #upstreamStatus()} stays the last attempt's.
     */
    public UpstreamException afterAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        UpstreamException enriched = new UpstreamException(kind, upstreamStatus, getMessage(), retryDelay, quotaIds,
                getCause(), attempts);
        enriched.setStackTrace(getStackTrace());
        return enriched;
    }

    /** How many upstream attempts the request made before this failure ended it (1 when it was not retried). */
    public int attempts() {
        return attempts;
    }

    public UpstreamException(Kind kind, int upstreamStatus, String message) {
        this(kind, upstreamStatus, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the upstream answered, or 0 when none was received. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public Optional<Duration> retryDelay() {
        return Optional.ofNullable(retryDelay);
    }

    /** The exhausted quotas a 429 named (QuotaFailure {@code quotaId}s), in the upstream's order; empty if none. */
    public List<String> quotaIds() {
        return quotaIds;
    }
}
