package dev.gemgate.adminui.portal;

import dev.gemgate.application.status.GatewayInfo;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;

/**
 * The portal's sign-in page: a link to the identity provider when one is configured, and the local bootstrap admin's
 * form where the run has a bootstrap token (the embedded default run; never the prod profile). The session cookie is
 * Secure, HttpOnly and SameSite=Strict, scoped to the portal.
 */
@Path(PortalSessionMechanism.LOGIN)
public class PortalLogin {
    private final PortalSignIn signIn;
    private final PortalSessions sessions;
    private final GatewayInfo gateway;

    public PortalLogin(PortalSignIn signIn, PortalSessions sessions, GatewayInfo gateway) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.gateway = gateway;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(PortalPage page, boolean identityProvider, boolean bootstrap,
                                             String error);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form() {
        return page(null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@RestForm String token) {
        if (!signIn.bootstrapEnabled()) {
            return Response.status(403).entity(page("This run has no bootstrap admin: sign in with your identity "
                    + "provider.")).build();
        }
        if (token == null || !signIn.bootstrapTokenMatches(token.strip())) {
            return Response.status(401).entity(page("That is not the bootstrap admin token.")).build();
        }
        NewCookie cookie = new NewCookie.Builder(PortalSessions.COOKIE).value(sessions.open())
                .path(PortalSessionMechanism.PORTAL).secure(true).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) PortalSessions.LIFETIME.toSeconds()).build();
        return Response.seeOther(URI.create(PortalDashboard.PATH)).cookie(cookie).build();
    }

    private TemplateInstance page(String error) {
        return Templates.login(PortalPage.anonymous("Sign in", gateway), signIn.identityProviderEnabled(),
                signIn.bootstrapEnabled(), error);
    }
}
