package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.adapter.web.SurfaceErrors;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.RequestId;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Gemini surface's refusals: typed domain failures by {@link GeminiError}, framework errors (no route, wrong method,
 * unreadable body) in the same envelope, and anything unexpected as a 500 INTERNAL without internals. Chosen for a
 * request by {@link dev.gemgate.adapter.web.TenantExceptionMappers}.
 */
public final class GeminiErrors implements SurfaceErrors {
    public static final GeminiErrors INSTANCE = new GeminiErrors();

    @Override
    public Response domain(DomainException e, ContainerRequestContext request) {
        return respond(GeminiError.of(e), request);
    }

    @Override
    public Response noRoute(ContainerRequestContext request) {
        return respond(GeminiError.simple(404, "NOT_FOUND",
                "No such resource: " + request.getUriInfo().getPath() + "."), request);
    }

    @Override
    public Response methodNotAllowed(ContainerRequestContext request, String allowed) {
        Response response = respond(GeminiError.simple(405, "INVALID_ARGUMENT",
                request.getMethod() + " is not allowed on " + request.getUriInfo().getPath() + "."), request);
        return allowed == null ? response : Response.fromResponse(response).header("Allow", allowed).build();
    }

    @Override
    public Response rejected(int status, ContainerRequestContext request) {
        if (status == 413) {
            return respond(GeminiError.simple(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit."),
                    request);
        }
        return respond(GeminiError.simple(status, status == 415 ? "INVALID_ARGUMENT" : "FAILED_PRECONDITION",
                "The request could not be accepted (HTTP " + status + ")."), request);
    }

    @Override
    public Response internal(ContainerRequestContext request) {
        return respond(GeminiError.internal(), request);
    }

    static Response respond(GeminiError error, ContainerRequestContext request) {
        RequestId id = RequestIdFilter.of(request);
        Response.ResponseBuilder response = Response.status(error.httpStatus())
                .entity(GeminiJson.write(error.envelope(id)))
                .type(MediaType.APPLICATION_JSON_TYPE);
        error.retryAfterSeconds().ifPresent(s -> response.header("Retry-After", s));
        return response.build();
    }
}
