package dev.gemgate.adapter.web.admin;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Accepts the {@link BootstrapAdmin} token as {@code Authorization: Bearer} on the admin API, as subject
 * {@value BootstrapAdmin#SUBJECT} with the admin role. Any other token is left to the other mechanisms (the OIDC bearer
 * check), so it runs first and only ever says yes or "not mine".
 */
@ApplicationScoped
public class BootstrapAdminMechanism implements HttpAuthenticationMechanism {
    private static final String ADMIN_API = "/admin/api/";

    private final BootstrapAdmin bootstrap;

    public BootstrapAdminMechanism(BootstrapAdmin bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (bootstrap.token().isEmpty() || !context.normalizedPath().startsWith(ADMIN_API)) {
            return Uni.createFrom().nullItem();
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || !bootstrap.matches(authorization.substring(7).strip())) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(BootstrapAdmin.SUBJECT))
                .addRole(AdminRoles.ADMIN)
                .build());
    }

    /** The admin API's challenge only: elsewhere (the portal) another mechanism sends people to a login page. */
    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (!context.normalizedPath().startsWith(ADMIN_API)) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    /** Before the OIDC bearer mechanism, which would refuse a token it cannot parse instead of passing it on. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
