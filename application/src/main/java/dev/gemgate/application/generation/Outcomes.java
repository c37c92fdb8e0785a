package dev.gemgate.application.generation;

import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.UpstreamException;

/** How a typed failure is counted in audit and metrics. */
public final class Outcomes {
    private Outcomes() {
    }

    public static Outcome of(DomainException e) {
        return switch (e) {
            case InvalidRequestException i -> Outcome.INVALID_REQUEST;
            case NotFoundException n -> Outcome.NOT_FOUND;
            case AuthenticationException a -> Outcome.UNAUTHENTICATED;
            case PermissionDeniedException p -> Outcome.PERMISSION_DENIED;
            case LimitExceededException l ->
                    l.kind() == LimitExceededException.Kind.QUOTA ? Outcome.QUOTA_REFUSED : Outcome.BUDGET_REFUSED;
            case UpstreamException u -> switch (u.kind()) {
                case RATE_LIMITED -> Outcome.UPSTREAM_RATE_LIMITED;
                case TIMEOUT -> Outcome.TIMEOUT;
                case INVALID_REQUEST -> Outcome.INVALID_REQUEST;
                case NOT_FOUND -> Outcome.NOT_FOUND;
                default -> Outcome.UPSTREAM_ERROR;
            };
        };
    }
}
