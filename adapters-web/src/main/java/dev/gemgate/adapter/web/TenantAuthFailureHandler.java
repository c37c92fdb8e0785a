package dev.gemgate.adapter.web;

import io.quarkus.vertx.http.runtime.security.HttpSecurityRecorder.DefaultAuthFailureHandler;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.function.BiConsumer;

/**
 * Spares each request of the tenant API ({@code /v1beta/...}, {@code /v1/...}) a cost of Quarkus 3.33's REST layer
 * that profile 3 of issue 21 measured at about a tenth of the event loop's time on a cache hit.
 *
 * <p>The cost: with HTTP security and metrics both present, the REST layer's handler at filter priority 199 (right
 * after the authentication handler at 200) finds the request's auth-failure handler still Quarkus's default and
 * replaces it with one that fails the request into the REST exception mappers. Before that it computes the request's
 * URI template for the metrics of an authentication failure ({@code ObservabilityIntegrationRecorder.setTemplatePath}),
 * which builds a new request mapper of every resource class, on every request. Later Quarkus versions match with a
 * prebuilt one; PLATFORM.md pins 3.33.
 *
 * <p>Here the tenant API's requests get that same failing handler first ({@link #FAIL_INTO_REST}: the REST layer's
 * own two steps), so the REST layer finds nothing to replace and skips the template. The template of a tenant request
 * that reaches its resource is still set, by the REST layer's handler chain, as for every request; what a tenant
 * request gives up is only the template on a failure of Quarkus's own HTTP authentication before its resource, which
 * the tenant API never asks for: its callers are authenticated by {@link TenantAuthenticationFilter} (API keys), and
 * {@code quarkus.http.auth.proactive} is false.
 *
 * <p>The route is added in the {@link Router} event, which Quarkus fires before it adds the filters to the router,
 * so at the same order as the REST layer's handler it runs first, and after the authentication handler.
 */
@ApplicationScoped
public class TenantAuthFailureHandler {
    /** Between the authentication handler (order -200) and the REST layer's (order -199, added after this one). */
    public static final int ORDER = -(SecurityHandlerPriorities.AUTHENTICATION - 1);

    /** Fails the request into the REST exception mappers, as the handler the REST layer installs does. */
    public static final BiConsumer<RoutingContext, Throwable> FAIL_INTO_REST = (context, failure) -> {
        DefaultAuthFailureHandler.markIfOtherAuthenticationFailure(context, failure);
        if (!context.failed()) {
            context.fail(DefaultAuthFailureHandler.extractRootCause(failure));
        }
    };

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(TenantAuthFailureHandler::handle);
    }

    static void handle(RoutingContext context) {
        if (isTenantApi(context.normalizedPath())
                && context.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER) instanceof DefaultAuthFailureHandler) {
            context.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, FAIL_INTO_REST);
        }
        context.next();
    }

    static boolean isTenantApi(String path) {
        return path != null && (path.startsWith("/v1beta/") || path.startsWith("/v1/"));
    }
}
