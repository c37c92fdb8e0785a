package dev.gemgate.app;

import dev.gemgate.adapter.web.TenantAuthFailureHandler;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the probe header of every request that a tenant route ({@code TenantRoute}) passed on to the REST layer: a
 * Vert.x route just after the tenant routes.
 */
@ApplicationScoped
public class RouteProbe {
    static final String HEADER = "x-gemgate-route-probe";
    static final Set<String> PASSED_ON = ConcurrentHashMap.newKeySet();

    void install(@Observes Router router) {
        router.route().order(TenantAuthFailureHandler.ORDER + 1).handler(context -> {
            String probe = context.request().getHeader(HEADER);
            if (probe != null) {
                PASSED_ON.add(probe);
            }
            context.next();
        });
    }
}
