package dev.gemgate.adapter.web.gemini;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every error answered on an upload path ({@code /upload/...}) carries {@code X-Goog-Upload-Status: final}, whoever
 * produced it (the use cases' refusals, authentication, an unknown route): the four SDKs retry a chunk answered
 * without that header three times (1, 2 and 4 s apart), and read the Gemini error envelope of one that has it.
 */
public class UploadErrorStatus {
    /**
     * A chunk's bytes are the file's, whatever {@code Content-Type} the client put on them. curl's
     * {@code --data-binary} (Google's own REST samples) sends {@code application/x-www-form-urlencoded}, which Quarkus
     * REST would read as a form before the method sees the stream (a bare 400): on an upload path (a start, whose body
     * the method reads as JSON itself, or a chunk) the type is taken as {@code application/octet-stream}, before the
     * request is matched.
     */
    @ServerRequestFilter(preMatching = true)
    public void bytesAreBytes(ContainerRequestContext request) {
        if (request.getUriInfo().getPath().startsWith("/upload/")) {
            request.getHeaders().putSingle("Content-Type", "application/octet-stream");
        }
    }

    @ServerResponseFilter
    public void finalOnErrors(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() >= 400 && request.getUriInfo().getPath().startsWith("/upload/")) {
            response.getHeaders().putSingle(GeminiUploadResource.STATUS, "final");
        }
    }
}
