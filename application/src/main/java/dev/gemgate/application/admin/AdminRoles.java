package dev.gemgate.application.admin;

/**
 * The control plane's two roles, as the identity provider names them (the role claim is configuration): the one home
 * of these names, checked alike by the admin API (adapters-web) and the portal (admin-ui), which may not depend on
 * each other.
 */
public final class AdminRoles {
    /** May change anything. */
    public static final String ADMIN = "gemgate-admin";
    /** May read everything, change nothing. */
    public static final String VIEWER = "gemgate-viewer";

    private AdminRoles() {
    }
}
