package dev.gemgate.domain.common;

/**
 * An expected failure of a gateway request, typed so that each API surface maps it to its own error format in one
 * place. Messages are written for the caller and never carry secrets.
 */
public abstract sealed class DomainException extends RuntimeException
        permits InvalidRequestException, NotFoundException, AuthenticationException, PermissionDeniedException,
        LimitExceededException, UpstreamException, ServiceUnavailableException, ConflictException {

    protected DomainException(String message) {
        super(message, null, false, false);
    }

    protected DomainException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
