package dev.gemgate.app;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Optional;

/**
 * Gives an identity from an OIDC token the attribute {@value #NAME} that the admin API records as the acting admin's
 * display name (adapters-web reads identities, never tokens): the token's {@code name} claim, else
 * {@code preferred_username}, else {@code email}. The subject is the token's {@code sub}
 * ({@code quarkus.oidc.token.principal-claim}): stable, where a user name may be renamed or reused.
 */
@ApplicationScoped
public class OidcDisplayNameAugmentor implements SecurityIdentityAugmentor {
    static final String NAME = "name";
    private static final List<String> NAME_CLAIMS = List.of("name", "preferred_username", "email");

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)
                || identity.getAttribute(NAME) != null) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(displayName(token)
                .<SecurityIdentity>map(name -> QuarkusSecurityIdentity.builder(identity).addAttribute(NAME, name)
                        .build())
                .orElse(identity));
    }

    static Optional<String> displayName(JsonWebToken token) {
        return NAME_CLAIMS.stream()
                .map(claim -> text(token.getClaim(claim)))
                .flatMap(Optional::stream)
                .findFirst();
    }

    private static Optional<String> text(Object claim) {
        String text = claim instanceof JsonString json ? json.getString() : claim instanceof String s ? s : null;
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.strip());
    }
}
