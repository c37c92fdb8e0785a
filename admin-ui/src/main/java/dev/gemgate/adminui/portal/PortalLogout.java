package dev.gemgate.adminui.portal;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * Sign-out from the layout's header (a form post, so it carries the CSRF token). The bootstrap admin's session ends
 * here: it is dropped from {@link PortalSessions} and its cookie expired. A session of the identity provider never
 * reaches this resource: Quarkus OIDC answers {@value #PATH} itself ({@code quarkus.oidc.portal.logout.path}) with
 * RP-initiated logout, ending the session at the provider, which sends the person back to the login page.
 */
@Path(PortalLogout.PATH)
public class PortalLogout {
    public static final String PATH = PortalSessionMechanism.PORTAL + "/logout";

    private final PortalSessions sessions;

    public PortalLogout(PortalSessions sessions) {
        this.sessions = sessions;
    }

    @POST
    public Response signOut(@CookieParam(PortalSessions.COOKIE) String session) {
        sessions.close(session);
        NewCookie expired = new NewCookie.Builder(PortalSessions.COOKIE).value("").path(PortalSessionMechanism.PORTAL)
                .secure(true).httpOnly(true).sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
        return Response.seeOther(URI.create(PortalSessionMechanism.LOGIN)).cookie(expired).build();
    }
}
