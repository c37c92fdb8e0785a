package dev.gemgate.application.generation;

import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;

import java.util.regex.Pattern;

/** How a typed failure is counted in audit and metrics, and what of it an audit record may keep. */
public final class Outcomes {
    /**
     * Credentials of every shape the gateway handles (Gemgate keys, Google API keys, bearer tokens): an upstream
     * message may quote what it was sent, and audit records outlive the request. A Gemgate key's visible prefix
     * ({@code gmg_} and 8 characters, shown in key lists) is not a secret and stays readable; anything longer is masked.
     */
    private static final Pattern SECRET_SHAPES = Pattern.compile(
            "gmg_[A-Za-z0-9]{9,}|AIza[0-9A-Za-z_\\-]{20,}|ya29\\.[0-9A-Za-z_\\-.]+|(?i:bearer)\\s+[0-9A-Za-z_\\-.=]{8,}");
    private static final int MAX_DETAIL = 300;

    private Outcomes() {
    }

    public static Outcome of(DomainException e) {
        return switch (e) {
            case InvalidRequestException i -> Outcome.INVALID_REQUEST;
            case NotFoundException n -> Outcome.NOT_FOUND;
            case AuthenticationException a -> Outcome.UNAUTHENTICATED;
            case PermissionDeniedException p -> Outcome.PERMISSION_DENIED;
            case ConflictException c -> Outcome.CONFLICT;
            case LimitExceededException l ->
                    l.kind() == LimitExceededException.Kind.QUOTA ? Outcome.QUOTA_REFUSED : Outcome.BUDGET_REFUSED;
            case ServiceUnavailableException s -> Outcome.UNAVAILABLE;
            case UpstreamException u -> switch (u.kind()) {
                case RATE_LIMITED -> Outcome.UPSTREAM_RATE_LIMITED;
                case TIMEOUT -> Outcome.TIMEOUT;
                case INVALID_REQUEST -> Outcome.INVALID_REQUEST;
                case NOT_FOUND -> Outcome.NOT_FOUND;
                default -> Outcome.UPSTREAM_ERROR;
            };
        };
    }

    /**
     * The audit detail of a failure: its first line, shortened, with anything shaped like a credential masked. Upstream
     * failures whose message the caller is not shown either (credential rejected, unreadable answer) keep only
     * their kind.
     */
    public static String detail(DomainException e) {
        if (e instanceof UpstreamException u) {
            switch (u.kind()) {
                case CREDENTIAL_REJECTED, PROTOCOL_ERROR, TIMEOUT -> {
                    return "upstream " + u.kind().name().toLowerCase() + " (HTTP " + u.upstreamStatus() + ")";
                }
                default -> {
                }
            }
        }
        return scrub(e.getMessage());
    }

    /** {@code text} with anything shaped like a credential replaced by {@code [REDACTED]} (nothing shortened). */
    public static String maskSecrets(String text) {
        return text == null ? null : SECRET_SHAPES.matcher(text).replaceAll("[REDACTED]");
    }

    static String scrub(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        String masked = SECRET_SHAPES.matcher(line).replaceAll("[REDACTED]");
        return masked.length() <= MAX_DETAIL ? masked : masked.substring(0, MAX_DETAIL) + "…";
    }
}
