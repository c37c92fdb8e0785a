package dev.gemgate.adminui.portal;

import dev.gemgate.application.status.GatewayInfo;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * What the layout of every portal page shows: the page's title, the person signed in and whether they may change
 * things (a viewer's pages carry no write controls), the emulator banner, and which navigation entry is current.
 */
public record PortalPage(String title, String section, String userName, boolean canWrite, GatewayInfo gateway) {

    static PortalPage of(String title, String section, SecurityIdentity identity, GatewayInfo gateway) {
        return new PortalPage(title, section, PortalActors.displayName(identity), identity.hasRole(PortalRoles.ADMIN),
                gateway);
    }

    /** A page shown before sign-in. */
    static PortalPage anonymous(String title, GatewayInfo gateway) {
        return new PortalPage(title, "", "", false, gateway);
    }

    public boolean signedIn() {
        return !userName.isEmpty();
    }
}
