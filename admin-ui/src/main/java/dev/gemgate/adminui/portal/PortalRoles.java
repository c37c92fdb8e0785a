package dev.gemgate.adminui.portal;

import dev.gemgate.application.admin.AdminRoles;

/**
 * The roles the portal checks: the control plane's ({@link AdminRoles}, the same the admin API checks), named here so
 * the portal's annotations read short. Constants of constants: still compile-time constants for the annotations.
 */
public final class PortalRoles {
    /** May change anything. */
    public static final String ADMIN = AdminRoles.ADMIN;
    /** May read everything, change nothing. */
    public static final String VIEWER = AdminRoles.VIEWER;

    private PortalRoles() {
    }
}
