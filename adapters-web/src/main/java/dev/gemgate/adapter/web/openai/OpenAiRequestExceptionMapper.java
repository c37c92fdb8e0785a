package dev.gemgate.adapter.web.openai;

import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The OpenAI surface's own refusals of a request's shape (only its translation throws them). */
public class OpenAiRequestExceptionMapper {
    @ServerExceptionMapper
    public Response refused(OpenAiRequestException e) {
        return OpenAiErrors.respond(e.error());
    }
}
