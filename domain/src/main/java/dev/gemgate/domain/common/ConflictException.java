package dev.gemgate.domain.common;

/**
 * The request conflicts with the current state: a name another live tenant already holds, or an action the target's
 * state does not allow (rotating a revoked key). The admin API answers 409.
 */
public final class ConflictException extends DomainException {
    public ConflictException(String message) {
        super(message);
    }
}
