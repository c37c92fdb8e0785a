package dev.gemgate.domain.common;

/** The request is malformed or breaks a limit; the caller must change it. */
public final class InvalidRequestException extends DomainException {
    private final Reason reason;

    public enum Reason { MALFORMED, LIMIT_EXCEEDED, PAYLOAD_TOO_LARGE, UNSUPPORTED }

    public InvalidRequestException(String message) {
        this(Reason.MALFORMED, message);
    }

    public InvalidRequestException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
