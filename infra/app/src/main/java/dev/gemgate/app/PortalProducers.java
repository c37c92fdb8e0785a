package dev.gemgate.app;

import dev.gemgate.adapter.web.admin.BootstrapAdmin;
import dev.gemgate.adminui.portal.PortalSignIn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.util.Optional;

/**
 * How people sign in to the portal: through the identity provider when Quarkus's OIDC tenant {@code portal} is on
 * (quarkus.oidc.portal.*), and with the bootstrap admin token where the run has one ({@link AdminProducers}: never in
 * the prod profile, so prod refuses the local login).
 */
@ApplicationScoped
public class PortalProducers {
    static final String PORTAL_TENANT_ENABLED = "quarkus.oidc.portal.tenant-enabled";

    static final String PORTAL_AUTH_SERVER_URL = "quarkus.oidc.portal.auth-server-url";

    @Produces
    @Singleton
    PortalSignIn portalSignIn(BootstrapAdmin bootstrap) {
        Config config = ConfigProvider.getConfig();
        boolean identityProvider = config.getOptionalValue(PORTAL_TENANT_ENABLED, Boolean.class).orElse(false);
        return portalSignIn(bootstrap, identityProvider, identityProvider
                ? config.getOptionalValue(PORTAL_AUTH_SERVER_URL, String.class).map(PortalProducers::origin)
                : Optional.empty());
    }

    public static PortalSignIn portalSignIn(BootstrapAdmin bootstrap, boolean identityProvider) {
        return portalSignIn(bootstrap, identityProvider, Optional.empty());
    }

    /** {@code https://idp.example.com:8443} of {@code https://idp.example.com:8443/realms/x}. */
    static String origin(String url) {
        URI uri = URI.create(url.strip());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    static PortalSignIn portalSignIn(BootstrapAdmin bootstrap, boolean identityProvider,
                                     Optional<String> identityProviderOrigin) {
        return new PortalSignIn() {
            @Override
            public Optional<String> identityProviderOrigin() {
                return identityProviderOrigin;
            }

            @Override
            public boolean identityProviderEnabled() {
                return identityProvider;
            }

            @Override
            public boolean bootstrapEnabled() {
                return bootstrap.token().isPresent();
            }

            @Override
            public boolean bootstrapTokenMatches(String presented) {
                return bootstrap.matches(presented);
            }
        };
    }
}
