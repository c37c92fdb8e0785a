package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.SurfaceErrors;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.tenant.ApiSurface;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Set;

/**
 * The OpenAI-compatible surface's refusals, in OpenAI's envelope ({@link OpenAiError}). A request belongs to the surface
 * ({@link #covers}) when it reached a resource of the surface ({@code @TenantSurface(ApiSurface.OPENAI)}), or, when no
 * resource matched, by its path: anything under {@code /v1beta/openai/} (Google's layout, which is only OpenAI's), and
 * the OpenAI paths under {@code /v1/} (the rest of {@code /v1/} is the Gemini surface's).
 */
public final class OpenAiErrors implements SurfaceErrors {
    public static final OpenAiErrors INSTANCE = new OpenAiErrors();
    /** Google's own layout: {@code https://generativelanguage.googleapis.com/v1beta/openai/}. */
    public static final String GOOGLE_BASE = "v1beta/openai";
    /** OpenAI's endpoints that clients configured with a plain {@code /v1} base call (none is a Gemini path). */
    private static final Set<String> V1_PATHS = Set.of("chat", "completions", "embeddings", "responses", "audio",
            "images", "files", "batches", "moderations", "assistants", "threads", "fine_tuning", "uploads",
            "vector_stores");

    private OpenAiErrors() {
    }

    /** Whether a request to {@code path} (matched to {@code resourceClass}, null when none) is the OpenAI surface's. */
    public static boolean covers(String path, Class<?> resourceClass) {
        if (resourceClass != null) {
            TenantSurface surface = resourceClass.getAnnotation(TenantSurface.class);
            if (surface != null) {
                return surface.value() == ApiSurface.OPENAI;
            }
        }
        String p = path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
        if (p.equals(GOOGLE_BASE) || p.startsWith(GOOGLE_BASE + "/")) {
            return true;
        }
        if (!p.startsWith("v1/")) {
            return false;
        }
        String rest = p.substring(3);
        int slash = rest.indexOf('/');
        return V1_PATHS.contains(slash < 0 ? rest : rest.substring(0, slash));
    }

    @Override
    public Response domain(DomainException e, ContainerRequestContext request) {
        return respond(OpenAiError.of(e));
    }

    @Override
    public Response noRoute(ContainerRequestContext request) {
        return respond(OpenAiError.simple(404, "Invalid URL (" + request.getMethod() + " "
                + request.getUriInfo().getPath() + ").", OpenAiError.INVALID_REQUEST, "unknown_url"));
    }

    @Override
    public Response methodNotAllowed(ContainerRequestContext request, String allow) {
        Response response = respond(OpenAiError.simple(405, request.getMethod() + " is not allowed on "
                + request.getUriInfo().getPath() + ".", OpenAiError.INVALID_REQUEST, "method_not_allowed"));
        return allow == null ? response : Response.fromResponse(response).header("Allow", allow).build();
    }

    @Override
    public Response rejected(int status, ContainerRequestContext request) {
        if (status == 413) {
            return respond(OpenAiError.simple(400, "Request payload size exceeds the limit.",
                    OpenAiError.INVALID_REQUEST, "request_too_large"));
        }
        return respond(OpenAiError.simple(status == 415 ? 400 : status, "The request could not be accepted (HTTP "
                + status + ").", OpenAiError.INVALID_REQUEST, status == 415 ? "unsupported_media_type" : "rejected"));
    }

    @Override
    public Response internal(ContainerRequestContext request) {
        return respond(OpenAiError.internal());
    }

    /** The error as a response: its status, the envelope, {@code Retry-After} in whole seconds when it has one. */
    public static Response respond(OpenAiError error) {
        Response.ResponseBuilder response = Response.status(error.httpStatus())
                .entity(GeminiJson.write(error.envelope()))
                .type(MediaType.APPLICATION_JSON_TYPE);
        error.retryAfterSeconds().ifPresent(s -> response.header("Retry-After", s));
        return response.build();
    }
}
