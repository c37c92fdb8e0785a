package dev.gemgate.adapter.web;

import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Authenticates every request to a {@link TenantSurface} from its headers, before its body is read: a request with a
 * missing, unknown or refused key is answered at once and its body is never buffered. Then the declared body size is
 * checked against {@link TenantRequestLimits}. A key whose answer is remembered is decided on the event loop; only a
 * lookup that must reach the store hops to a virtual thread (and back, so the body is then read on the event loop).
 */
public class TenantAuthenticationFilter {
    static final String CALLER_PROPERTY = "gemgate.caller";
    private static final Uni<Response> CONTINUE = Uni.createFrom().nullItem();

    private final AuthenticateApiKey authenticate;
    private final TenantRequestLimits limits;
    private final ExecutorService virtualThreads;

    public TenantAuthenticationFilter(AuthenticateApiKey authenticate, TenantRequestLimits limits,
                                      @VirtualThreads ExecutorService virtualThreads) {
        this.authenticate = authenticate;
        this.limits = limits;
        this.virtualThreads = virtualThreads;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request, SimpleResourceInfo resource,
                                      HttpServerRequest http) {
        TenantSurface surface = resource.getResourceClass().getAnnotation(TenantSurface.class);
        if (surface == null) {
            return CONTINUE;
        }
        Optional<String> key = TenantKeys.extract(request.getHeaders().get("x-goog-api-key"),
                request.getUriInfo().getQueryParameters().get("key"), request.getHeaders().get("Authorization"));
        AuthenticateApiKey.Attempt attempt = new AuthenticateApiKey.Attempt(source(http),
                surfaceOf(surface.value(), request.getUriInfo().getPath()), RequestIdFilter.of(request),
                RequestIdFilter.correlationOf(request));
        Optional<Caller> remembered = authenticate.authenticateIfRemembered(key, attempt);
        if (remembered.isPresent()) {
            admit(request, remembered.get());
            return CONTINUE;
        }
        Context eventLoop = Vertx.currentContext();
        return Uni.createFrom().item(() -> authenticate.authenticate(key, attempt))
                .runSubscriptionOn(virtualThreads)
                .emitOn(task -> eventLoop.runOnContext(ignored -> task.run()))
                .map(caller -> {
                    admit(request, caller);
                    return (Response) null;
                });
    }

    private void admit(ContainerRequestContext request, Caller caller) {
        request.setProperty(CALLER_PROPERTY, caller);
        MDC.put("tenantId", caller.tenant().toString());
        String length = request.getHeaderString("Content-Length");
        if (length != null && declaredLength(length) > limits.maxBodyBytes()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                    "Request payload size exceeds the limit: " + length + " bytes, the limit is "
                            + limits.maxBodyBytes() + " bytes.");
        }
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Content-Length is not a number.");
        }
    }

    /**
     * The surface a key's scope is checked against: the resource's own, except that embedding and batch calls (named
     * by the method after the colon, or by the path's last segment) count as {@code EMBEDDINGS} and {@code BATCH}
     * whichever surface carries them.
     */
    static ApiSurface surfaceOf(ApiSurface resourceSurface, String path) {
        int slash = path.lastIndexOf('/');
        String last = path.substring(slash + 1);
        String method = last.contains(":") ? last.substring(last.indexOf(':') + 1) : last;
        return switch (method) {
            case "embedContent", "batchEmbedContents", "embeddings" -> ApiSurface.EMBEDDINGS;
            case "batchGenerateContent", "asyncBatchEmbedContent", "batches" -> ApiSurface.BATCH;
            default -> resourceSurface;
        };
    }

    /** The client address a key's address scope is checked against (see the adapters-web README on proxies). */
    public static String source(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }

    /** The caller the filter admitted; present on every request that reaches a tenant resource method. */
    public static Caller callerOf(ContainerRequestContext request) {
        Caller caller = (Caller) request.getProperty(CALLER_PROPERTY);
        if (caller == null) {
            throw new IllegalStateException("a tenant resource was reached without authentication");
        }
        return caller;
    }
}
