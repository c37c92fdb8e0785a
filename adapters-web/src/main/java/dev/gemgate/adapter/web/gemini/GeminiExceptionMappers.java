package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.RequestId;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP on the Gemini surface: typed domain failures by {@link GeminiError},
 * framework errors (no route, wrong method, unreadable body) in the same envelope, and anything unexpected as a
 * 500 INTERNAL without internals (logged with the request id).
 */
public class GeminiExceptionMappers {
    private static final Logger LOG = Logger.getLogger(GeminiExceptionMappers.class);

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return respond(GeminiError.of(e), request);
    }

    @ServerExceptionMapper
    public Response unimplemented(UnimplementedException e, ContainerRequestContext request) {
        return respond(GeminiError.simple(501, "UNIMPLEMENTED", e.getMessage()), request);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, ContainerRequestContext request) {
        return respond(GeminiError.simple(404, "NOT_FOUND",
                "No such resource: " + request.getUriInfo().getPath() + "."), request);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, ContainerRequestContext request) {
        Response response = respond(GeminiError.simple(405, "INVALID_ARGUMENT",
                request.getMethod() + " is not allowed on " + request.getUriInfo().getPath() + "."), request);
        String allowed = e.getResponse().getHeaderString("Allow");
        return allowed == null ? response : Response.fromResponse(response).header("Allow", allowed).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return respond(GeminiError.simple(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit."),
                    request);
        }
        if (status >= 500) {
            LOG.errorf(e, "request failed with %d", status);
            return respond(GeminiError.internal(), request);
        }
        return respond(GeminiError.simple(status, status == 415 ? "INVALID_ARGUMENT" : "FAILED_PRECONDITION",
                "The request could not be accepted (HTTP " + status + ")."), request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        LOG.errorf(e, "unexpected failure");
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
