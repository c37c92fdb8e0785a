package dev.gemgate.domain.common;

/** A known credential that may not be used now: revoked, past its grace period, or its tenant suspended. */
public final class PermissionDeniedException extends DomainException {
    public PermissionDeniedException(String message) {
        super(message);
    }
}
