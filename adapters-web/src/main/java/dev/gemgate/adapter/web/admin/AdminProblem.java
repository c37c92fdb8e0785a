package dev.gemgate.adapter.web.admin;

import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's one error body: RFC 9457 problem details ({@code application/problem+json}), with the request id
 * and, for bad input, one entry per offending field. Not Gemini's envelope, which belongs to the tenant surface.
 */
public record AdminProblem(int status, String title, String detail, List<FieldError> fields) {
    public static final String MEDIA_TYPE = "application/problem+json";

    /** One field of the request that is wrong, and why. */
    public record FieldError(String field, String message) {
    }

    public static AdminProblem of(DomainException e) {
        return switch (e) {
            case InvalidRequestException i -> new AdminProblem(400, "Invalid request", i.getMessage(), List.of());
            case NotFoundException n -> new AdminProblem(404, "Not found", n.getMessage(), List.of());
            case AuthenticationException a -> new AdminProblem(401, "Unauthenticated", a.getMessage(), List.of());
            case PermissionDeniedException p -> new AdminProblem(403, "Forbidden", p.getMessage(), List.of());
            case ServiceUnavailableException s -> new AdminProblem(503, "Unavailable", s.getMessage(), List.of());
            case LimitExceededException l -> new AdminProblem(429, "Too many requests", l.getMessage(), List.of());
            case UpstreamException u -> new AdminProblem(502, "Upstream failure", "The upstream failed.", List.of());
        };
    }

    public static AdminProblem invalidFields(List<FieldError> fields) {
        return new AdminProblem(400, "Invalid request", "The request has invalid fields.", fields);
    }

    public Response toResponse(ContainerRequestContext request) {
        RequestId id = request == null ? null : RequestIdFilter.of(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (!fields.isEmpty()) {
            body.put("errors", fields);
        }
        if (id != null) {
            body.put("requestId", id.value());
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }
}
