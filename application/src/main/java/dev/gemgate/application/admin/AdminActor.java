package dev.gemgate.application.admin;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.RequestId;

import java.util.Optional;

/**
 * Who performs an admin action, as the web layer read it from the verified token: {@code subject} (the token's
 * {@code sub}, stable), {@code name} (for people reading the audit log; the subject if the token has none), the client
 * address the request came from, and the server's request id if there is one (else the audit event gets a fresh one).
 */
public record AdminActor(String subject, String name, String sourceAddress, Optional<RequestId> requestId) {
    public AdminActor {
        if (subject == null || subject.isBlank()) {
            throw new InvalidRequestException("an admin actor has a subject");
        }
        if (sourceAddress == null || requestId == null) {
            throw new IllegalArgumentException("source address and request id are required (request id may be empty)");
        }
        name = name == null || name.isBlank() ? subject : name;
    }

    public AdminActor(String subject, String name, String sourceAddress) {
        this(subject, name, sourceAddress, Optional.empty());
    }

    /** Gemgate itself acting (the demo seeder at start-up), recorded as such. */
    public static AdminActor system(String component) {
        return new AdminActor("system:" + component, "Gemgate (" + component + ")", "local");
    }
}
