package dev.gemgate.adapter.web.gemini;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A Gemini method this gateway does not serve yet (only the Gemini surface raises it): 501 UNIMPLEMENTED. */
public class UnimplementedMapper {
    @ServerExceptionMapper
    public Response unimplemented(UnimplementedException e, ContainerRequestContext request) {
        return GeminiErrors.respond(GeminiError.simple(501, "UNIMPLEMENTED", e.getMessage()), request);
    }
}
