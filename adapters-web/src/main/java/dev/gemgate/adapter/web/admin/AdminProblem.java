package dev.gemgate.adapter.web.admin;

import dev.gemgate.adapter.web.RequestIdFilter;
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
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The admin API's one error body: RFC 9457 problem details ({@code application/problem+json}), with the request id
 * and, for bad input, one entry per offending field. Not Gemini's envelope, which belongs to the tenant surface.
 */
public record AdminProblem(int status, String title, String detail, List<FieldError> fields) {
    public static final String MEDIA_TYPE = "application/problem+json";

    /** One field of the request that is wrong, and why. */
    @Schema(description = "One field of the request that is wrong, and why")
    public record FieldError(String field, String message) {
    }

    /** The body on the wire. */
    @Schema(name = "Problem", description = "RFC 9457 problem details, the admin API's one error body")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(@Schema(example = "about:blank") String type,
                       @Schema(example = "Invalid request") String title,
                       @Schema(example = "400") int status,
                       String detail,
                       @Schema(description = "present for 400s: one entry per offending field") List<FieldError> errors,
                       @Schema(description = "the server's id of the request (x-gemgate-request-id)")
                       String requestId) {
    }

    public static AdminProblem of(DomainException e) {
        return switch (e) {
            case InvalidRequestException i -> new AdminProblem(400, "Invalid request", i.getMessage(),
                    i.field().map(f -> List.of(new FieldError(f, i.problem()))).orElse(List.of()));
            case NotFoundException n -> new AdminProblem(404, "Not found", n.getMessage(), List.of());
            case AuthenticationException a -> new AdminProblem(401, "Unauthenticated", a.getMessage(), List.of());
            case PermissionDeniedException p -> new AdminProblem(403, "Forbidden", p.getMessage(), List.of());
            case ServiceUnavailableException s -> new AdminProblem(503, "Unavailable", s.getMessage(), List.of());
            case LimitExceededException l -> new AdminProblem(429, "Too many requests", l.getMessage(), List.of());
            case UpstreamException u -> new AdminProblem(502, "Upstream failure", "The upstream failed.", List.of());
            case ConflictException c -> new AdminProblem(409, "Conflict", c.getMessage(), List.of());
        };
    }

    public static AdminProblem invalidFields(List<FieldError> fields) {
        return new AdminProblem(400, "Invalid request", "The request has invalid fields.", fields);
    }

    public Response toResponse(ContainerRequestContext request) {
        RequestId id = request == null ? null : RequestIdFilter.of(request);
        Body body = new Body("about:blank", title, status, detail, fields.isEmpty() ? null : fields,
                id == null ? null : id.value());
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }
}
