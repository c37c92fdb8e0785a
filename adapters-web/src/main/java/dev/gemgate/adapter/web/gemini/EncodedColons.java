package dev.gemgate.adapter.web.gemini;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Google accepts {@code models/m%3AstreamGenerateContent} for {@code models/m:streamGenerateContent} (some HTTP
 * clients encode the colon), and so does Gemgate: before routing, an encoded colon in a Gemini path is decoded, so
 * that methods matched by their literal suffix (streaming) are found whichever way the client wrote it.
 */
public class EncodedColons {
    private static final Pattern ENCODED_COLON = Pattern.compile("%3[aA]");

    @ServerRequestFilter(preMatching = true)
    public void decode(ContainerRequestContext request, HttpServerRequest http) {
        String raw = http.path();
        if (raw == null || raw.indexOf('%') < 0) {
            return; // the common case, decided on the raw path without building a URI
        }
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        if (path == null || !path.contains("/models/")) {
            return;
        }
        String decoded = ENCODED_COLON.matcher(path).replaceAll(":");
        if (decoded.equals(path)) {
            return;
        }
        try {
            request.setRequestUri(new URI(uri.getScheme() + "://" + uri.getRawAuthority() + decoded
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (URISyntaxException e) {
            // left as it came: routing answers for it
        }
    }
}
