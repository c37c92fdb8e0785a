package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.TenantRequestLimits;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantRoute;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code :streamGenerateContent} on a {@link TenantRoute}: the plain {@code models/{model}:streamGenerateContent}
 * request, with {@code ?alt=sse} (what every SDK sends) or without a query (one streamed JSON array), written as
 * {@link GeminiResource#stream} writes it, onto the response itself ({@link TenantRoute#stream}). Any other query
 * ({@code alt=json}, a key) is the REST layer's.
 */
@Singleton
public class GeminiStreamRoute extends TenantRoute {
    private static final String METHOD = ":streamGenerateContent";
    private static final String SSE = "alt=sse";

    private final StreamGenerateContent streamGenerateContent;
    private final Clock clock;

    public GeminiStreamRoute(AuthenticateApiKey authenticate, StreamGenerateContent streamGenerateContent,
                             TenantRequestLimits limits, IdGenerator ids,
                             @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        super(authenticate, limits, ids, virtualThreads, ApiSurface.GEMINI);
        this.streamGenerateContent = streamGenerateContent;
        this.clock = clock;
    }

    void install(@Observes Router router) {
        install(router, GeminiGenerateRoute.PREFIXES.stream().map(prefix -> prefix + "*").toList());
    }

    @Override
    protected boolean takesQuery(String query) {
        return SSE.equals(query);
    }

    /** The template of a plain {@code models/{model}:streamGenerateContent} path, as the REST layer names it. */
    @Override
    protected String template(String path) {
        String prefix = GeminiGenerateRoute.prefix(path, METHOD);
        return prefix == null ? null : prefix + "{model}" + METHOD;
    }

    @Override
    protected void serve(Call call, Caller caller, byte[] body) {
        String path = call.path();
        String model = path.substring(GeminiGenerateRoute.prefix(path, METHOD).length(), path.length() - METHOD.length());
        RequestContext context = call.requestContext(caller,
                TenantRequests.endUserHeader(call.request().getHeader(TenantRequests.END_USER_HEADER)), clock);
        boolean sse = call.request().query() != null;
        String cacheControl = call.request().getHeader(HttpHeaders.CACHE_CONTROL);
        stream(call, (emitter, cancellation, rateLimits, headers) -> GeminiResource.stream(streamGenerateContent,
                context, model, body, cacheControl, sse, emitter, cancellation, rateLimits, headers,
                call.response()));
    }

    @Override
    protected Refusal refusal(RuntimeException failure, RequestId requestId) {
        return GeminiGenerateRoute.geminiRefusal(failure, requestId);
    }
}
