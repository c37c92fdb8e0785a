package dev.gemgate.domain.common;

import java.time.Duration;
import java.util.Optional;

/** A quota or budget refused the request before it reached the upstream. */
public final class LimitExceededException extends DomainException {
    public enum Kind { QUOTA, BUDGET }

    private final Kind kind;
    private final String limitName;
    private final Duration retryAfter;

    public LimitExceededException(Kind kind, String limitName, Duration retryAfter, String message) {
        super(message);
        this.kind = kind;
        this.limitName = limitName;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The limit that refused, e.g. {@code requests-per-minute} or a budget's name. */
    public String limitName() {
        return limitName;
    }

    /** When the request would fit again, if known. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
