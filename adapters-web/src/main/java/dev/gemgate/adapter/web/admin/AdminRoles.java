package dev.gemgate.adapter.web.admin;

/** The admin API's roles, as the identity provider names them (the role claim is configuration). */
public final class AdminRoles {
    /** May change anything. */
    public static final String ADMIN = "gemgate-admin";
    /** May read everything, change nothing. */
    public static final String VIEWER = "gemgate-viewer";

    private AdminRoles() {
    }
}
