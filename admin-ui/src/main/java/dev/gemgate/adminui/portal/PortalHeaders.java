package dev.gemgate.adminui.portal;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers on every portal response, pages and assets alike: a strict Content-Security-Policy (scripts, styles, images
 * and form targets from this origin only, no inline script or style, no framing), no MIME sniffing, no referrer to
 * other sites, and no caching of pages that may carry a key shown once.
 */
@ApplicationScoped
public class PortalHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    void register(@Observes Filters filters) {
        filters.register(context -> {
            String path = context.normalizedPath();
            if (path.equals(PortalSessionMechanism.PORTAL) || path.startsWith(PortalSessionMechanism.PORTAL + "/")) {
                context.response().headers()
                        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                        .set("X-Content-Type-Options", "nosniff")
                        .set("Referrer-Policy", "same-origin")
                        .set("X-Frame-Options", "DENY");
                if (!path.startsWith(PortalSessionMechanism.PORTAL + "/assets/")) {
                    context.response().headers().set("Cache-Control", "no-store");
                }
            }
            context.next();
        }, 100);
    }
}
