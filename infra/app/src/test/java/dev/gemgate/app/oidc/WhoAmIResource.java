package dev.gemgate.app.oidc;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A protected admin endpoint that exists only in the tests (Quarkus serves a module's test classes in its
 * {@code @QuarkusTest}s): it proves the OIDC plumbing apart from the admin API's own resources.
 */
@Path(WhoAmIResource.PATH)
public class WhoAmIResource {
    public static final String PATH = "/admin/api/v1/test-only/whoami";

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"gemgate-admin", "gemgate-viewer"})
    public Map<String, Object> whoAmI() {
        return Map.of(
                "subject", token.getSubject(),
                "name", identity.getPrincipal().getName(),
                "issuer", token.getIssuer(),
                "roles", List.copyOf(new TreeSet<>(identity.getRoles())));
    }
}
