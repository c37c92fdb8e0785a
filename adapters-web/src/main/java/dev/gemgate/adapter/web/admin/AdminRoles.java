package dev.gemgate.adapter.web.admin;

/**
 * The admin API's roles: the control plane's ({@link dev.gemgate.application.admin.AdminRoles}, which the portal
 * checks too), named here so the resources' annotations read short.
 */
public final class AdminRoles {
    /** May change anything. */
    public static final String ADMIN = dev.gemgate.application.admin.AdminRoles.ADMIN;
    /** May read everything, change nothing. */
    public static final String VIEWER = dev.gemgate.application.admin.AdminRoles.VIEWER;

    private AdminRoles() {
    }
}
