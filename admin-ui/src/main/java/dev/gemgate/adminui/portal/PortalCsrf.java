package dev.gemgate.adminui.portal;

import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/**
 * The CSRF token of this request for the layout's own form (sign-out), or null where Quarkus REST CSRF issued none:
 * it issues tokens only on the fixed paths of {@code quarkus.rest-csrf.create-token-path} and on verified form posts,
 * and {@code inject:csrf.token} fails elsewhere (on an error page of another path, say). The layout then shows no
 * sign-out button rather than failing to render.
 */
@ApplicationScoped
@Named("portalCsrf")
public class PortalCsrf {
    private final CsrfTokenParameterProvider csrf;

    public PortalCsrf(CsrfTokenParameterProvider csrf) {
        this.csrf = csrf;
    }

    public String token() {
        try {
            return csrf.getToken();
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
