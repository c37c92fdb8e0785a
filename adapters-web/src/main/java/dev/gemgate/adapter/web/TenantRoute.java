package dev.gemgate.adapter.web;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.tenant.ApiSurface;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A busy tenant call served on a bare Vert.x route in front of the REST layer: issue 21's experiment 9 measured
 * RESTEasy Reactive's per-request machinery (its handler chain, the filters, the hop through Mutiny) at 27-47 us of CPU
 * per request, a fifth of a miss and a third of a cache hit.
 *
 * <p>A route takes the plain case, as the SDKs send it, and answers it exactly as the REST resource does (the same use
 * case, body, headers, refusals and metrics template): one key, in one {@code x-goog-api-key} header or one
 * {@code Authorization: Bearer} header, a declared body within the limit, no query string and nothing
 * percent-encoded in the path. Everything else (a key in the query, in both headers, an encoded colon, a chunked body)
 * goes on, untouched, to the REST layer, which decides it as before. Like {@link TenantAuthenticationFilter}, a route
 * decides the key before the body is read: on the event loop when the answer is remembered, else on a virtual thread
 * and back. The call itself runs on a virtual thread. Once a route has taken a request it answers every outcome
 * itself, so that a refusal is recorded once. A route is a {@code @Singleton}: its constructor takes what it serves with.
 */
public abstract class TenantRoute {
    private static final Logger LOG = Logger.getLogger(TenantRoute.class);
    /** The key Quarkus's HTTP metrics and tracing read a request's URI template from (the REST layer sets it too). */
    public static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    /** Spelled as the REST layer writes it. */
    protected static final String CONTENT_TYPE = "Content-Type";
    protected static final String JSON = "application/json";
    private static final String GOOG_API_KEY = "x-goog-api-key";

    private final AuthenticateApiKey authenticate;
    private final TenantRequestLimits limits;
    private final IdGenerator ids;
    private final ExecutorService virtualThreads;
    private final ApiSurface surface;

    protected TenantRoute(AuthenticateApiKey authenticate, TenantRequestLimits limits, IdGenerator ids,
                          ExecutorService virtualThreads, ApiSurface surface) {
        this.authenticate = authenticate;
        this.limits = limits;
        this.ids = ids;
        this.virtualThreads = virtualThreads;
        this.surface = surface;
    }

    /** One request on a route: what every step after the first needs. */
    public record Call(RoutingContext context, RequestId requestId, Optional<String> correlation, String path) {
        public HttpServerRequest request() {
            return context.request();
        }

        public HttpServerResponse response() {
            return context.response();
        }

        /** The request's context, with {@code endUser} already read by the surface's own rule. */
        public RequestContext requestContext(Caller caller, Optional<String> endUser, Clock clock) {
            return new RequestContext(caller, requestId, correlation, endUser,
                    TenantRequests.deadline(request().getHeader(TenantRequests.SERVER_TIMEOUT_HEADER), clock));
        }
    }

    /** How a route answers a failure: status, {@code Retry-After} seconds if any, and the surface's envelope. */
    public record Refusal(int status, Optional<Long> retryAfterSeconds, byte[] body) {
    }

    /**
     * The metrics template of a POST to {@code path} that this route serves (the REST resource's path template), or
     * null to leave the request to the REST layer.
     */
    protected abstract String template(String path);

    /** Whether this route takes a request with {@code query} (never null); by default none. */
    protected boolean takesQuery(String query) {
        return false;
    }

    /** Serves a request whose key was accepted, on a virtual thread; a failure thrown is answered by {@link #refuse}. */
    protected abstract void serve(Call call, Caller caller, byte[] body);

    /** A failure in the surface's own envelope. */
    protected abstract Refusal refusal(RuntimeException failure, RequestId requestId);

    /** Installs the route under each of {@code paths} (Vert.x-Web paths), where the REST layer's handler would take it. */
    protected void install(Router router, List<String> paths) {
        for (String path : paths) {
            router.route(HttpMethod.POST, path).order(TenantAuthFailureHandler.ORDER).handler(this::handle);
        }
    }

    public final void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        // the path first: the routes of one Vert.x path each see every request under it, and a path test is cheap
        String template = template(request.path());
        if (template == null || !plain(request)) {
            context.next();
            return;
        }
        ((HttpServerRequestInternal) request).context().putLocal(URL_PATH_TEMPLATE, template);
        Call call = new Call(context, ids.newRequestId(), RequestIds.correlation(request.getHeader(RequestIds.HEADER)),
                request.path());
        Optional<String> key;
        try {
            key = TenantKeys.extract(request.headers().getAll(GOOG_API_KEY), List.of(),
                    request.headers().getAll(HttpHeaders.AUTHORIZATION)); // the REST filter's rule for it
        } catch (RuntimeException e) {
            refuse(call, e);
            return;
        }
        AuthenticateApiKey.Attempt attempt = new AuthenticateApiKey.Attempt(TenantAuthenticationFilter.source(request),
                surface, call.requestId(), call.correlation());
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

    private void readBody(Call call, Caller caller) {
        HttpServerRequest request = call.request();
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            call.response().writeContinue(); // as the REST layer does when it reads a body
        }
        request.body()
                .onSuccess(body -> onVirtualThread(call, () -> serveLogged(call, caller, body.getBytes())))
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

    private void serveLogged(Call call, Caller caller, byte[] body) {
        MDC.put("requestId", call.requestId().value());
        call.correlation().ifPresent(c -> MDC.put("correlationId", c));
        MDC.put("tenantId", caller.tenant().toString());
        try {
            serve(call, caller, body);
        } catch (RuntimeException e) {
            refuse(call, e);
        } finally {
            MDC.remove("requestId");
            MDC.remove("correlationId");
            MDC.remove("tenantId");
        }
    }

    /** Answers a whole response: the content type, {@code headers}, the request ids, {@code body}. */
    protected static void answer(Call call, Map<String, String> headers, byte[] body) {
        HttpServerResponse response = call.response();
        if (response.closed()) {
            return; // the caller went away; the use case has settled what it used
        }
        response.putHeader(CONTENT_TYPE, JSON);
        headers.forEach(response::putHeader);
        echoIds(response, call);
        response.end(Buffer.buffer(body));
    }

    /**
     * Streams a response onto the call's own response, as {@link GenerationStreams#start} does through the REST layer:
     * {@code surface} runs here (on the call's virtual thread) and writes through a {@link ResponseStreamEmitter}, which
     * takes the upstream's chunks on the event loop that reads them (it never blocks there); a failure before the first
     * item is thrown on, to be refused; after it, the stream has written what it could in its own framing, and anything
     * thrown still cuts the connection.
     */
    protected static void stream(Call call, GenerationStreams.Surface surface) {
        Map<String, String> headers = Collections.synchronizedMap(new LinkedHashMap<>());
        GenerationStreams.idHeaders(headers, call.requestId(), call.correlation());
        AtomicReference<RateLimitStatus> rateLimits = new AtomicReference<>(RateLimitStatus.NONE);
        Cancellation cancellation = new Cancellation();
        ResponseStreamEmitter emitter = new ResponseStreamEmitter(call.response(), headers, rateLimits, cancellation);
        try {
            surface.run(emitter, cancellation, rateLimits, headers);
        } catch (RuntimeException e) {
            if (!emitter.started()) {
                throw e;
            }
            LOG.errorf(e, "stream failed after its first item");
            emitter.abort();
        }
    }

    /**
     * As the REST layer's exception mappers and response filters answer a refusal, with {@link CostHeader}'s zero on
     * every refusal (the REST layer leaves it off a key refused before its resource matched, which its documentation
     * does not intend).
     */
    protected final void refuse(Call call, RuntimeException failure) {
        HttpServerResponse response = call.response();
        if (response.closed() || response.ended()) {
            LOG.debugf("not answered (%s): the caller went away", failure.getClass().getSimpleName());
            return;
        }
        Refusal refusal = refusal(failure, call.requestId());
        response.setStatusCode(refusal.status()).putHeader(CONTENT_TYPE, JSON);
        refusal.retryAfterSeconds().ifPresent(s -> response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(s)));
        response.putHeader(CostHeader.NAME, CostHeader.usd(Money.ZERO));
        echoIds(response, call);
        response.end(Buffer.buffer(refusal.body()));
    }

    private static void echoIds(HttpServerResponse response, Call call) {
        response.putHeader(RequestIds.SERVER_HEADER, call.requestId().value())
                .putHeader(RequestIds.HEADER, call.correlation().orElse(call.requestId().value()));
    }

    /** No query, nothing percent-encoded, one key in one header, a declared body within the limit. */
    private boolean plain(HttpServerRequest request) {
        if (request.query() != null && !takesQuery(request.query()) || request.path().indexOf('%') >= 0) {
            return false;
        }
        MultiMap headers = request.headers();
        List<String> googKeys = headers.getAll(GOOG_API_KEY);
        List<String> authorizations = headers.getAll(HttpHeaders.AUTHORIZATION);
        boolean oneKey = googKeys.size() == 1 && authorizations.isEmpty()
                || googKeys.isEmpty() && authorizations.size() == 1
                && authorizations.getFirst().regionMatches(true, 0, "Bearer ", 0, 7);
        return oneKey && withinLimit(headers.get(HttpHeaders.CONTENT_LENGTH));
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
