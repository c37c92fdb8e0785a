package dev.gemgate.adminui.portal;

/**
 * The control plane's roles, as the identity provider names them: the same two the admin API checks (adapters-web's
 * AdminRoles; infra/app's PortalWiringTest keeps the two in step, since adapters may not depend on each other).
 */
public final class PortalRoles {
    /** May change anything. */
    public static final String ADMIN = "gemgate-admin";
    /** May read everything, change nothing. */
    public static final String VIEWER = "gemgate-viewer";

    private PortalRoles() {
    }
}
