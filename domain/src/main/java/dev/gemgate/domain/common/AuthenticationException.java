package dev.gemgate.domain.common;

/** No credential, or one this gateway does not know. */
public final class AuthenticationException extends DomainException {
    public AuthenticationException(String message) {
        super(message);
    }
}
