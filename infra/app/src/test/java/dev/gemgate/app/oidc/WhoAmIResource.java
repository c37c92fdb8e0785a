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
 * Protected admin endpoints that exist only in the tests (Quarkus serves a module's test classes in its
 * {@code @QuarkusTest}s): they prove the OIDC plumbing apart from the admin API's own resources. The second one is
 * guarded by an OIDC tenant whose server never answers ({@link KeycloakTestResource#UNREACHABLE_TENANT}).
 */
@Path("/admin/api/v1/test-only")
public class WhoAmIResource {
    public static final String PATH = "/admin/api/v1/test-only/whoami";
    public static final String UNREACHABLE_IDP_PATH = "/admin/api/v1/test-only/unreachable-idp/whoami";

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @GET
    @Path("whoami")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"gemgate-admin", "gemgate-viewer"})
    public Map<String, Object> whoAmI() {
        // what the admin API sees: the principal's name as the subject, the attribute "name" as the display name
        return Map.of(
                "subject", identity.getPrincipal().getName(),
                "name", String.valueOf(identity.<Object>getAttribute("name")),
                "issuer", token.getIssuer(),
                "roles", List.copyOf(new TreeSet<>(identity.getRoles())));
    }

    @GET
    @Path("unreachable-idp/whoami")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"gemgate-admin", "gemgate-viewer"})
    public Map<String, Object> whoAmIThroughAnUnreachableProvider() {
        return whoAmI();
    }
}
