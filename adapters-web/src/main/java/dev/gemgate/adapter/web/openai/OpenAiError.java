package dev.gemgate.adapter.web.openai;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's error envelope, {@code {"error":{"message","type","param","code"}}} with string {@code type} and
 * {@code code} (OpenAI's SDKs read both as strings: a numeric code makes the Java SDK's {@code code()} throw), and the
 * single mapping of Gemgate's typed failures onto it for the OpenAI-compatible surface. The HTTP status picks the SDK's
 * exception (400 BadRequest, 401 Authentication, 403 PermissionDenied, 404 NotFound, 429 RateLimit, 5xx
 * InternalServer).
 *
 * <p>Types and codes follow OpenAI's own answers where it has one: {@code invalid_request_error} for bad input (with
 * {@code param} naming the field), {@code authentication_error}/{@code invalid_api_key}, {@code requests} or
 * {@code tokens}/{@code rate_limit_exceeded} for a rate limit, {@code insufficient_quota} (429) for an exhausted budget
 * (what OpenAI answers for exhausted billing), {@code server_error} for upstream failures.
 */
public record OpenAiError(int httpStatus, String message, String type, String param, String code,
                          Optional<Duration> retryAfter) {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String SERVER_ERROR = "server_error";

    public OpenAiError {
        if (message == null || type == null || retryAfter == null) {
            throw new IllegalArgumentException("message, type and retryAfter are required");
        }
    }

    public static OpenAiError of(DomainException e) {
        return switch (e) {
            case InvalidRequestException i -> invalid(i);
            case NotFoundException n -> simple(404, n.getMessage(), INVALID_REQUEST, "model_not_found");
            case AuthenticationException a -> simple(401, a.getMessage(), "authentication_error", "invalid_api_key");
            case PermissionDeniedException p -> p.reason() == PermissionDeniedException.Reason.KEY_RETIRED
                    ? simple(401, p.getMessage(), "authentication_error", "invalid_api_key")
                    : simple(403, p.getMessage(), "permission_error", "permission_denied");
            case ConflictException c -> simple(409, c.getMessage(), INVALID_REQUEST, "conflict");
            case LimitExceededException l -> l.kind() == LimitExceededException.Kind.BUDGET
                    ? new OpenAiError(429, l.getMessage(), "insufficient_quota", null, "insufficient_quota",
                    l.retryAfter())
                    : new OpenAiError(429, l.getMessage(), rateLimitType(l.limitName()), null, "rate_limit_exceeded",
                    l.retryAfter());
            case UpstreamException u -> ofUpstream(u);
            case ServiceUnavailableException s -> new OpenAiError(503, s.getMessage(), SERVER_ERROR, null,
                    "service_unavailable", Optional.of(s.retryAfter()));
        };
    }

    /** Bad input: {@code param} names the field when one is at fault (the domain's field, or the surface's own). */
    private static OpenAiError invalid(InvalidRequestException i) {
        String code = switch (i.reason()) {
            case MALFORMED -> "invalid_value";
            case LIMIT_EXCEEDED -> "limit_exceeded";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case UNSUPPORTED -> "unsupported_value";
        };
        return new OpenAiError(400, i.getMessage(), INVALID_REQUEST, i.field().orElse(null), code, Optional.empty());
    }

    /** OpenAI's rate-limit type says which unit ran out: {@code tokens} for a token limit, else {@code requests}. */
    private static String rateLimitType(String limitName) {
        return limitName != null && limitName.toLowerCase(Locale.ROOT).contains("token") ? "tokens" : "requests";
    }

    /** An upstream failure: what happened and how many attempts Gemgate made; never the upstream's key. */
    private static OpenAiError ofUpstream(UpstreamException u) {
        String tried = u.attempts() > 1 ? " (after " + u.attempts() + " attempts"
                + (u.upstreamStatus() > 0 ? "; the last answered HTTP " + u.upstreamStatus() : "") + ")" : "";
        return switch (u.kind()) {
            case RATE_LIMITED -> new OpenAiError(429, "The upstream Gemini quota is exhausted: " + u.getMessage() + tried,
                    "requests", null, "rate_limit_exceeded", u.retryDelay());
            case TIMEOUT -> simple(504, "The upstream did not answer in time" + tried + ".", SERVER_ERROR, "timeout");
            case INVALID_REQUEST -> simple(400, u.getMessage() + tried, INVALID_REQUEST, "invalid_value");
            case NOT_FOUND -> simple(404, u.getMessage() + tried, INVALID_REQUEST, "model_not_found");
            case CREDENTIAL_REJECTED -> simple(503, "The upstream refused the gateway's credential; an operator must fix "
                    + "it" + tried + ".", SERVER_ERROR, "upstream_credential_rejected");
            case UNAVAILABLE -> simple(503, "The upstream is unavailable: " + u.getMessage() + tried, SERVER_ERROR,
                    "upstream_unavailable");
            case PROTOCOL_ERROR -> simple(502, "The upstream answered something unreadable" + tried + ".", SERVER_ERROR,
                    "upstream_protocol_error");
            case CIRCUIT_OPEN, CREDENTIAL_BUSY -> new OpenAiError(503, "The upstream is unavailable: " + u.getMessage()
                    + tried, SERVER_ERROR, null, "upstream_unavailable", u.retryDelay());
        };
    }

    public static OpenAiError simple(int httpStatus, String message, String type, String code) {
        return new OpenAiError(httpStatus, message, type, null, code, Optional.empty());
    }

    /** Bad input naming the OpenAI parameter at fault. */
    public static OpenAiError invalidParam(String param, String message, String code) {
        return new OpenAiError(400, message, INVALID_REQUEST, param, code, Optional.empty());
    }

    public static OpenAiError internal() {
        return simple(500, "Internal error. Quote the x-request-id header when reporting it.", SERVER_ERROR,
                "internal_error");
    }

    /** Whole seconds for Retry-After (HTTP allows no fractions), at least 1. */
    public Optional<Long> retryAfterSeconds() {
        return retryAfter.map(d -> Math.max(1, (d.toMillis() + 999) / 1000));
    }

    /** The body: {@code param} and {@code code} are present (null when there is none), as OpenAI writes them. */
    public Map<String, Object> envelope() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("error", error);
        return envelope;
    }
}
