package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.adapter.web.RequestIds;
import dev.gemgate.adapter.web.TenantAuthFailureHandler;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantKeys;
import dev.gemgate.adapter.web.TenantRequestLimits;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * {@code :generateContent}, the busiest call, served on a bare Vert.x route in front of the REST layer: issue 21's
 * experiment 9 measured RESTEasy Reactive's per-request machinery (its handler chain, the filters, the hop through
 * Mutiny) at 27-47 us of CPU per request, a fifth of a miss and a third of a cache hit.
 *
 * <p>The route takes the plain case, as Google's SDKs send it, and answers it exactly as {@link GeminiResource} does
 * (the same use case, body, headers, refusals and metrics template): the key in one {@code x-goog-api-key} header, a
 * declared body within the limit, no query string and nothing percent-encoded in the path. Everything else (a key in
 * the query or in {@code Authorization}, an encoded colon, a chunked body) goes on, untouched, to the REST layer, which
 * decides it as before. Like {@link TenantAuthenticationFilter}, it decides the key before the
 * body is read: on the event loop when the answer is remembered, else on a virtual thread and back. Once it has taken a
 * request it answers every outcome itself, so that a refusal is recorded once.
 */
@ApplicationScoped
public class GeminiGenerateRoute {
    private static final Logger LOG = Logger.getLogger(GeminiGenerateRoute.class);
    private static final String METHOD = ":generateContent";
    private static final List<String> PREFIXES = List.of("/v1beta/models/", "/v1/models/");
    /** The key Quarkus's HTTP metrics and tracing read a request's URI template from (the REST layer sets it too). */
    static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    /** Spelled as the REST layer writes it. */
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String JSON = "application/json";

    private final AuthenticateApiKey authenticate;
    private final GenerateContent generateContent;
    private final TenantRequestLimits limits;
    private final IdGenerator ids;
    private final ExecutorService virtualThreads;
    private final Clock clock;

    public GeminiGenerateRoute(AuthenticateApiKey authenticate, GenerateContent generateContent,
                               TenantRequestLimits limits, IdGenerator ids,
                               @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        this.authenticate = authenticate;
        this.generateContent = generateContent;
        this.limits = limits;
        this.ids = ids;
        this.virtualThreads = virtualThreads;
        this.clock = clock;
    }

    /** Where the REST layer's own handler would take the request: after Quarkus's authentication handler. */
    void install(@Observes Router router) {
        for (String prefix : PREFIXES) {
            router.route(HttpMethod.POST, prefix + "*").order(TenantAuthFailureHandler.ORDER).handler(this::handle);
        }
    }

    void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String prefix = plainPrefix(request);
        List<String> keys = request.headers().getAll("x-goog-api-key");
        if (prefix == null || keys.size() != 1 || request.headers().contains(HttpHeaders.AUTHORIZATION)
                || !withinLimit(request.getHeader(HttpHeaders.CONTENT_LENGTH))) {
            context.next();
            return;
        }
        ((HttpServerRequestInternal) request).context().putLocal(URL_PATH_TEMPLATE, prefix + "{target}");
        Call call = new Call(context, ids.newRequestId(), RequestIds.correlation(request.getHeader(RequestIds.HEADER)),
                request.path().substring(prefix.length()));
        Optional<String> key = TenantKeys.extract(keys, List.of(), List.of()); // the REST filter's rule for it
        AuthenticateApiKey.Attempt attempt = new AuthenticateApiKey.Attempt(TenantAuthenticationFilter.source(request),
                ApiSurface.GEMINI, call.requestId(), call.correlation());
        Optional<Caller> remembered;
        try {
            remembered = authenticate.authenticateIfRemembered(key, attempt);
        } catch (RuntimeException e) {
            refuse(call, e);
            return;
        }
        if (remembered.isPresent()) {
            readBody(call, remembered.get());
            return;
        }
        // the store must be asked: on a virtual thread, then back to the event loop to read the body
        Context eventLoop = Vertx.currentContext();
        onVirtualThread(call, () -> {
            Caller caller;
            try {
                caller = authenticate.authenticate(key, attempt);
            } catch (RuntimeException e) {
                refuse(call, e);
                return;
            }
            eventLoop.runOnContext(ignored -> readBody(call, caller));
        });
    }

    /** One request on this route: what every step after the first needs. */
    private record Call(RoutingContext context, RequestId requestId, Optional<String> correlation, String target) {
    }

    private void readBody(Call call, Caller caller) {
        HttpServerRequest request = call.context().request();
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            call.context().response().writeContinue(); // as the REST layer does when it reads a body
        }
        request.body()
                .onSuccess(body -> onVirtualThread(call, () -> answer(call, caller, body.getBytes())))
                .onFailure(call.context()::fail);
        request.resume(); // Quarkus pauses a request until a handler reads it
    }

    private void onVirtualThread(Call call, Runnable work) {
        try {
            virtualThreads.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    refuse(call, e);
                }
            });
        } catch (RuntimeException e) { // the executor refuses work only while the JVM stops
            refuse(call, e);
        }
    }

    private void answer(Call call, Caller caller, byte[] body) {
        HttpServerRequest request = call.context().request();
        HttpServerResponse response = call.context().response();
        MDC.put("requestId", call.requestId().value());
        call.correlation().ifPresent(c -> MDC.put("correlationId", c));
        MDC.put("tenantId", caller.tenant().toString());
        try {
            RequestContext requestContext = new RequestContext(caller, call.requestId(), call.correlation(),
                    TenantRequests.endUserHeader(request.getHeader(TenantRequests.END_USER_HEADER)),
                    TenantRequests.deadline(request.getHeader(TenantRequests.SERVER_TIMEOUT_HEADER), clock));
            String target = call.target();
            GeminiResource.GenerateReply reply = GeminiResource.generate(generateContent, requestContext,
                    target.substring(0, target.length() - METHOD.length()), body,
                    request.getHeader(HttpHeaders.CACHE_CONTROL));
            if (response.closed()) {
                return; // the caller went away; the use case has settled what it used
            }
            response.putHeader(CONTENT_TYPE, JSON);
            reply.headers().forEach(response::putHeader);
            echoIds(response, call);
            response.end(Buffer.buffer(reply.body()));
        } catch (RuntimeException e) {
            refuse(call, e);
        } finally {
            MDC.remove("requestId");
            MDC.remove("correlationId");
            MDC.remove("tenantId");
        }
    }

    /**
     * As the REST layer's exception mappers and response filters answer a refusal on the Gemini surface, with
     * {@link CostHeader}'s zero on every refusal (the REST layer leaves it off a key refused before its resource
     * matched, which its documentation does not intend).
     */
    private static void refuse(Call call, RuntimeException failure) {
        HttpServerResponse response = call.context().response();
        if (response.closed() || response.ended()) {
            LOG.debugf("not answered (%s): the caller went away", failure.getClass().getSimpleName());
            return;
        }
        GeminiError error;
        if (failure instanceof DomainException domain) {
            error = GeminiError.of(domain);
        } else {
            LOG.errorf(failure, "unexpected failure");
            error = GeminiError.internal();
        }
        response.setStatusCode(error.httpStatus()).putHeader(CONTENT_TYPE, JSON);
        error.retryAfterSeconds().ifPresent(s -> response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(s)));
        response.putHeader(CostHeader.NAME, CostHeader.usd(Money.ZERO));
        echoIds(response, call);
        response.end(Buffer.buffer(GeminiJson.write(error.envelope(call.requestId()))));
    }

    private static void echoIds(HttpServerResponse response, Call call) {
        response.putHeader(RequestIds.SERVER_HEADER, call.requestId().value())
                .putHeader(RequestIds.HEADER, call.correlation().orElse(call.requestId().value()));
    }

    /** The version prefix of a plain {@code models/{model}:generateContent} path, or null for anything else. */
    static String plainPrefix(HttpServerRequest request) {
        if (request.query() != null) {
            return null;
        }
        String path = request.path();
        if (!path.endsWith(METHOD) || path.indexOf('%') >= 0) {
            return null;
        }
        for (String prefix : PREFIXES) {
            if (path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0
                    && path.length() > prefix.length() + METHOD.length()) {
                return prefix;
            }
        }
        return null;
    }

    private boolean withinLimit(String contentLength) {
        if (contentLength == null) {
            return false;
        }
        try {
            long length = Long.parseLong(contentLength.strip());
            return length >= 0 && length <= limits.maxBodyBytes();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
