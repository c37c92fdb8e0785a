package dev.gemgate.adapter.web.gemini;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gemini's error envelope, {@code {"error":{"code","message","status","details"}}}, and the single mapping of
 * Gemgate's typed failures onto it. Every error carries a google.rpc.RequestInfo detail with the request id.
 */
public record GeminiError(int httpStatus, String status, String message, Optional<Duration> retryAfter,
                          List<Map<String, Object>> extraDetails) {

    public static GeminiError of(DomainException e) {
        return switch (e) {
            case InvalidRequestException i -> simple(400, "INVALID_ARGUMENT", i.getMessage());
            case NotFoundException n -> simple(404, "NOT_FOUND", n.getMessage());
            case AuthenticationException a -> simple(401, "UNAUTHENTICATED", a.getMessage());
            case PermissionDeniedException p -> simple(403, "PERMISSION_DENIED", p.getMessage());
            case ConflictException c -> simple(409, "ABORTED", c.getMessage());
            case LimitExceededException l -> new GeminiError(429, "RESOURCE_EXHAUSTED", l.getMessage(),
                    l.retryAfter(), List.of(quotaFailure(l)));
            case UpstreamException u -> ofUpstream(u);
            case ServiceUnavailableException s -> new GeminiError(503, "UNAVAILABLE", s.getMessage(),
                    Optional.of(s.retryAfter()), List.of());
        };
    }

    /**
     * An upstream failure, told as the caller needs it: what happened (never the upstream's key or its raw answer
     * where that could hold one), how many attempts Gemgate made and the last status Google answered, in the message
     * and in a google.rpc.ErrorInfo detail (reason {@code UPSTREAM_<KIND>}, domain {@code gemgate.dev}, metadata
     * {@code attempts} and {@code lastUpstreamStatus}); the request id is in the RequestInfo detail of every error.
     */
    private static GeminiError ofUpstream(UpstreamException u) {
        GeminiError bare = switch (u.kind()) {
            case RATE_LIMITED -> new GeminiError(429, "RESOURCE_EXHAUSTED",
                    "The upstream Gemini quota is exhausted: " + u.getMessage(), u.retryDelay(), List.of());
            case TIMEOUT -> simple(504, "DEADLINE_EXCEEDED", "The upstream did not answer in time.");
            case INVALID_REQUEST -> simple(400, "INVALID_ARGUMENT", u.getMessage());
            case NOT_FOUND -> simple(404, "NOT_FOUND", u.getMessage());
            case CREDENTIAL_REJECTED -> simple(503, "UNAVAILABLE",
                    "The upstream refused the gateway's credential; an operator must fix it.");
            case UNAVAILABLE -> simple(503, "UNAVAILABLE", "The upstream is unavailable: " + u.getMessage());
            case PROTOCOL_ERROR -> simple(502, "UNAVAILABLE", "The upstream answered something unreadable.");
            case CIRCUIT_OPEN, CREDENTIAL_BUSY -> new GeminiError(503, "UNAVAILABLE", "The upstream is unavailable: "
                    + u.getMessage(), u.retryDelay(), List.of());
        };
        String tried = u.attempts() > 1 ? " (after " + u.attempts() + " attempts"
                + (u.upstreamStatus() > 0 ? "; the last answered HTTP " + u.upstreamStatus() : "") + ")" : "";
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("attempts", Integer.toString(u.attempts()));
        if (u.upstreamStatus() > 0) {
            metadata.put("lastUpstreamStatus", Integer.toString(u.upstreamStatus()));
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "UPSTREAM_" + u.kind().name());
        info.put("domain", "gemgate.dev");
        info.put("metadata", metadata);
        List<Map<String, Object>> details = new ArrayList<>(bare.extraDetails());
        details.add(info);
        String message = bare.message().endsWith(".") && !tried.isEmpty()
                ? bare.message().substring(0, bare.message().length() - 1) + tried + "."
                : bare.message() + tried;
        return new GeminiError(bare.httpStatus(), bare.status(), message, bare.retryAfter(), List.copyOf(details));
    }

    public static GeminiError simple(int httpStatus, String status, String message) {
        return new GeminiError(httpStatus, status, message, Optional.empty(), List.of());
    }

    public static GeminiError internal() {
        return simple(500, "INTERNAL", "Internal error. Quote the x-request-id header when reporting it.");
    }

    private static Map<String, Object> quotaFailure(LimitExceededException l) {
        Map<String, Object> violation = new LinkedHashMap<>();
        violation.put("subject", l.kind() == LimitExceededException.Kind.QUOTA ? "quota" : "budget");
        violation.put("quotaId", l.limitName());
        violation.put("description", l.getMessage());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        detail.put("violations", List.of(violation));
        return detail;
    }

    /** Whole seconds for Retry-After (HTTP allows no fractions), at least 1. */
    public Optional<Long> retryAfterSeconds() {
        return retryAfter.map(d -> Math.max(1, (d.toMillis() + 999) / 1000));
    }

    public Map<String, Object> envelope(RequestId requestId) {
        List<Object> details = new ArrayList<>(extraDetails);
        retryAfter.ifPresent(d -> details.add(Map.of("@type", "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay", retryAfterSeconds().orElseThrow() + "s")));
        if (requestId != null) {
            details.add(Map.of("@type", "type.googleapis.com/google.rpc.RequestInfo", "requestId", requestId.value()));
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", httpStatus);
        error.put("message", message);
        error.put("status", status);
        if (!details.isEmpty()) {
            error.put("details", details);
        }
        return Map.of("error", error);
    }
}
