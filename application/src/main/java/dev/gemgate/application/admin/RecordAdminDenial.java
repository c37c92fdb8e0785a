package dev.gemgate.application.admin;

import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;

/**
 * For the web layer: records an admin API request refused for its credentials (no token, a bad or expired one:
 * {@code authenticated = false}, outcome UNAUTHENTICATED) or its roles (a viewer writing: PERMISSION_DENIED), as an
 * {@code ADMIN_ACCESS_DENIED} event with the actor as far as it is known, the source address and the action tried.
 * Unauthenticated callers have no verified subject: pass {@code AdminActor("anonymous", ...)}.
 */
public final class RecordAdminDenial {
    public record Command(AdminActor actor, String action, boolean authenticated, String reason) {
        public Command {
            if (actor == null || action == null || action.isBlank() || reason == null) {
                throw new InvalidRequestException("actor, action and reason are required");
            }
        }
    }

    private final AdminAudit audit;

    public RecordAdminDenial(AdminAudit audit) {
        this.audit = audit;
    }

    public void execute(Command command) {
        audit.denied(command.actor(), command.action(),
                command.authenticated() ? Outcome.PERMISSION_DENIED : Outcome.UNAUTHENTICATED, command.reason());
    }
}
