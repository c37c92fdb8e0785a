package dev.gemgate.adapter.web.openai;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{model}} are two APIs' paths: Google's Java SDK lists models there
 * when set to API version {@code v1}, OpenAI's SDKs do with base URL {@code .../v1}. The two send their key
 * differently, and that decides, before routing: a request that presents its key only as
 * {@code Authorization: Bearer} (OpenAI's way) is served by {@link OpenAiModelsResource}, as if it had asked for
 * {@code /v1beta/openai/models...}; one with {@code x-goog-api-key} or {@code ?key=} (Google's way; also when it adds a
 * Bearer header) stays with the Gemini surface. The rest of the request (headers, query) is untouched, and the key's
 * scope is then checked against the surface of the resource that serves it ({@code OPENAI} or {@code GEMINI}). Only the
 * headers and the query are read.
 */
public class OpenAiModelsRouting {
    private static final Pattern GEMINI_V1_MODELS = Pattern.compile("/v1/models(/[^/:]+)?");

    @ServerRequestFilter(preMatching = true)
    public void route(ContainerRequestContext request, HttpServerRequest http) {
        String raw = http.path();
        if (raw == null || !raw.startsWith("/v1/models") || !HttpMethod.GET.equals(request.getMethod())) {
            return; // the common case, decided without building a URI
        }
        Matcher models = GEMINI_V1_MODELS.matcher(raw);
        if (!models.matches() || (models.group(1) != null
                && models.group(1).toLowerCase(Locale.ROOT).contains("%3a"))) {
            return; // not a models list or read: Gemini's methods (model:method) keep their own routing
        }
        if (!authenticatesTheOpenAiWay(request.getHeaders().get("x-goog-api-key"),
                request.getUriInfo().getQueryParameters().containsKey("key"),
                request.getHeaders().get("Authorization"))) {
            return;
        }
        URI uri = request.getUriInfo().getRequestUri();
        String model = models.group(1) == null ? "" : models.group(1);
        try {
            request.setRequestUri(new URI(uri.getScheme() + "://" + uri.getRawAuthority() + OpenAiModelsResource.PATH
                    + model + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (URISyntaxException e) {
            // left as it came: the Gemini surface answers for it
        }
    }

    /**
     * Whether a request presents its key the OpenAI way: an {@code Authorization: Bearer} header and neither an
     * {@code x-goog-api-key} header nor a {@code key} query parameter. Ambiguous combinations are refused later, by
     * the authentication, whichever surface they reach.
     */
    static boolean authenticatesTheOpenAiWay(List<String> googApiKeys, boolean keyQuery, List<String> authorizations) {
        if (keyQuery || (googApiKeys != null && !googApiKeys.isEmpty())) {
            return false;
        }
        return authorizations != null && authorizations.stream()
                .anyMatch(a -> a.regionMatches(true, 0, "Bearer ", 0, 7));
    }
}
