package dev.gemgate.adapter.web;

import dev.gemgate.adapter.web.gemini.GeminiErrors;
import dev.gemgate.adapter.web.openai.OpenAiErrors;
import dev.gemgate.domain.common.DomainException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Where failures of the tenant surfaces become HTTP, each in its surface's envelope: a request on the OpenAI-compatible
 * surface ({@link OpenAiErrors#covers}: its resources, and any path under {@code /v1beta/openai/}, so that an unknown
 * path there is OpenAI-shaped too) is answered in OpenAI's, every other one in Gemini's (the default, as before). The
 * admin API's resources map their own failures (class-local mappers take precedence over these).
 */
public class TenantExceptionMappers {
    private static final Logger LOG = Logger.getLogger(TenantExceptionMappers.class);

    static SurfaceErrors surface(ContainerRequestContext request, SimpleResourceInfo resource) {
        Class<?> resourceClass = resource == null ? null : resource.getResourceClass();
        return OpenAiErrors.covers(request.getUriInfo().getPath(), resourceClass) ? OpenAiErrors.INSTANCE
                : GeminiErrors.INSTANCE;
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request, SimpleResourceInfo resource) {
        return surface(request, resource).domain(e, request);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, ContainerRequestContext request, SimpleResourceInfo resource) {
        return surface(request, resource).noRoute(request);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, ContainerRequestContext request, SimpleResourceInfo resource) {
        return surface(request, resource).methodNotAllowed(request, e.getResponse().getHeaderString("Allow"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request, SimpleResourceInfo resource) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.errorf(e, "request failed with %d", status);
            return surface(request, resource).internal(request);
        }
        return surface(request, resource).rejected(status, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request, SimpleResourceInfo resource) {
        LOG.errorf(e, "unexpected failure");
        return surface(request, resource).internal(request);
    }
}
