package dev.gemgate.adminui.portal;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Optional;

/**
 * Headers on every portal response, pages and assets alike: a strict Content-Security-Policy (scripts, styles, images
 * and form targets from this origin only, no inline script or style, no framing), no MIME sniffing, no referrer to
 * other sites, and no caching of pages that may carry a key shown once.
 */
@ApplicationScoped
public class PortalHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final String policy;

    public PortalHeaders(PortalSignIn signIn) {
        this.policy = policy(signIn.identityProviderOrigin());
    }

    /**
     * {@link #CONTENT_SECURITY_POLICY}, with the identity provider's origin as a form target when there is one: the
     * sign-out form's answer redirects to its end-session endpoint, and browsers hold redirects after a form post to
     * {@code form-action}. Scripts, styles and everything else stay this origin's only.
     */
    public static String policy(Optional<String> identityProvider) {
        return identityProvider.map(origin -> CONTENT_SECURITY_POLICY.replace("form-action 'self'",
                "form-action 'self' " + origin)).orElse(CONTENT_SECURITY_POLICY);
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            String path = context.normalizedPath();
            if (path.equals(PortalSessionMechanism.PORTAL) || path.startsWith(PortalSessionMechanism.PORTAL + "/")) {
                context.response().headers()
                        .set("Content-Security-Policy", policy)
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
