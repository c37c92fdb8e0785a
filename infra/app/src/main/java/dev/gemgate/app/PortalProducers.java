package dev.gemgate.app;

import dev.gemgate.adapter.web.admin.BootstrapAdmin;
import dev.gemgate.adminui.portal.PortalSignIn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * How people sign in to the portal: through the identity provider when Quarkus's OIDC tenant {@code portal} is on
 * (quarkus.oidc.portal.*), and with the bootstrap admin token where the run has one ({@link AdminProducers}: never in
 * the prod profile, so prod refuses the local login).
 */
@ApplicationScoped
public class PortalProducers {
    static final String PORTAL_TENANT_ENABLED = "quarkus.oidc.portal.tenant-enabled";

    @Produces
    @Singleton
    PortalSignIn portalSignIn(BootstrapAdmin bootstrap) {
        return portalSignIn(bootstrap, ConfigProvider.getConfig()
                .getOptionalValue(PORTAL_TENANT_ENABLED, Boolean.class).orElse(false));
    }

    public static PortalSignIn portalSignIn(BootstrapAdmin bootstrap, boolean identityProvider) {
        return new PortalSignIn() {
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
