package dev.gemgate.domain.common;

/** A known credential that may not be used now: revoked, past its grace period, or its tenant suspended. */
public final class PermissionDeniedException extends DomainException {
    /** Why: the key itself is no longer a key ({@code KEY_RETIRED}), or it may not do this ({@code DENIED}). */
    public enum Reason { DENIED, KEY_RETIRED }

    private final Reason reason;

    public PermissionDeniedException(String message) {
        this(Reason.DENIED, message);
    }

    public PermissionDeniedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * {@code KEY_RETIRED} for a revoked or expired key (a surface may answer it as an invalid key, as OpenAI does),
     * {@code DENIED} for everything else (a suspended tenant, a scope).
     */
    public Reason reason() {
        return reason;
    }
}
