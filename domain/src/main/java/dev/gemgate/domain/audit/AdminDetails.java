package dev.gemgate.domain.audit;

import java.util.Optional;

/**
 * What an admin action's audit event adds to the common fields: the actor's display name (its subject is the event's
 * {@code actor}), the client address the request came from, the target ({@code tenant:<id>}, {@code api-key:<id>}),
 * and the target's state before and after as JSON text, secrets never included.
 */
public record AdminDetails(String actorName, String sourceAddress, String target, Optional<String> before,
                           Optional<String> after) {
    public static final int MAX_ACTOR_NAME = 256;
    public static final int MAX_SOURCE_ADDRESS = 64;
    public static final int MAX_TARGET = 256;
    /** Before and after each: a tenant's metadata is bounded (50 entries of 512 characters) and fits. */
    public static final int MAX_STATE = 64 * 1024;

    public AdminDetails {
        if (actorName == null || sourceAddress == null || target == null || before == null || after == null) {
            throw new IllegalArgumentException("admin details are required (before/after may be empty)");
        }
        actorName = cut(actorName, MAX_ACTOR_NAME);
        sourceAddress = cut(sourceAddress, MAX_SOURCE_ADDRESS);
        target = cut(target, MAX_TARGET);
        if (before.isPresent() && before.get().length() > MAX_STATE
                || after.isPresent() && after.get().length() > MAX_STATE) {
            throw new IllegalArgumentException("a before/after state has at most " + MAX_STATE + " characters");
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
