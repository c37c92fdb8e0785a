package dev.gemgate.adminui.portal;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * The portal's local sign-in: a {@link PortalSessions} cookie makes the bootstrap admin (role admin). It answers only
 * for {@code /admin/ui}; anything else is left to the other mechanisms (the admin API's bearer checks, the OIDC
 * authorization-code flow of tenant {@code portal}). Its challenge sends an anonymous visitor to the local login form
 * when no identity provider is configured, and otherwise declines, so that OIDC sends them to the provider's page.
 */
@ApplicationScoped
public class PortalSessionMechanism implements HttpAuthenticationMechanism {
    public static final String SUBJECT = "bootstrap-admin";
    public static final String PORTAL = "/admin/ui";
    public static final String LOGIN = PORTAL + "/login";

    private final PortalSessions sessions;
    private final PortalSignIn signIn;

    public PortalSessionMechanism(PortalSessions sessions, PortalSignIn signIn) {
        this.sessions = sessions;
        this.signIn = signIn;
    }

    static boolean isPortal(RoutingContext context) {
        String path = context.normalizedPath();
        return path.equals(PORTAL) || path.startsWith(PORTAL + "/");
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!isPortal(context) || !signIn.bootstrapEnabled()) {
            return Uni.createFrom().nullItem();
        }
        Cookie cookie = context.request().getCookie(PortalSessions.COOKIE);
        if (cookie == null || !sessions.isLive(cookie.getValue())) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(SUBJECT))
                .addRole(PortalRoles.ADMIN)
                .addAttribute("name", "Bootstrap admin")
                .build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (!isPortal(context) || signIn.identityProviderEnabled()) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(new ChallengeData(302, HttpHeaders.LOCATION, LOGIN));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    /** Before the OIDC mechanism: a local session is checked without asking the identity provider anything. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 200;
    }
}
