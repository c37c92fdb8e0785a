package dev.gemgate.domain.common;

import java.util.Optional;

/**
 * The request is malformed or breaks a limit; the caller must change it. When one field of the request is at fault,
 * {@link #field()} names it (the message then starts with it), so that a surface can report field by field.
 */
public final class InvalidRequestException extends DomainException {
    private final Reason reason;
    private final String field;

    public enum Reason { MALFORMED, LIMIT_EXCEEDED, PAYLOAD_TOO_LARGE, UNSUPPORTED }

    public InvalidRequestException(String message) {
        this(Reason.MALFORMED, message);
    }

    public InvalidRequestException(Reason reason, String message) {
        this(reason, null, message);
    }

    private InvalidRequestException(Reason reason, String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.reason = reason;
        this.field = field;
    }

    /** {@code field} of the request is wrong: {@code problem} says why (e.g. "is required"). */
    public static InvalidRequestException forField(String field, String problem) {
        return forField(Reason.MALFORMED, field, problem);
    }

    /** {@code field} of the request breaks a rule of kind {@code reason} (a size limit, an unsupported type, ...). */
    public static InvalidRequestException forField(Reason reason, String field, String problem) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("a field name is required");
        }
        return new InvalidRequestException(reason, field, problem);
    }

    /** The offending field, when it is one field. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The message without the field's name in front. */
    public String problem() {
        return field == null ? getMessage() : getMessage().substring(field.length() + 2);
    }

    public Reason reason() {
        return reason;
    }
}
