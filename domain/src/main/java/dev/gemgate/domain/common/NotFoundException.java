package dev.gemgate.domain.common;

/** The named thing (a model, a tenant, a key) does not exist or is not served by this gateway. */
public final class NotFoundException extends DomainException {
    public NotFoundException(String message) {
        super(message);
    }
}
