package dev.gemgate.adapter.web.gemini;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every error answered on an upload path ({@code /upload/...}) carries {@code X-Goog-Upload-Status: final}, whoever
 * produced it (the use cases' refusals, authentication, an unknown route): the four SDKs retry a chunk answered
 * without that header three times (1, 2 and 4 s apart), and read the Gemini error envelope of one that has it.
 */
public class UploadErrorStatus {
    @ServerResponseFilter
    public void finalOnErrors(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() >= 400 && request.getUriInfo().getPath().startsWith("/upload/")) {
            response.getHeaders().putSingle(GeminiUploadResource.STATUS, "final");
        }
    }
}
