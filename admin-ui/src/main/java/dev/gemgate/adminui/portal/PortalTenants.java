package dev.gemgate.adminui.portal;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.tenant.ApiKeyView;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.tenant.ListTenants;
import dev.gemgate.application.tenant.RevokeApiKey;
import dev.gemgate.application.tenant.RotateApiKey;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenants and their API keys in the portal, through the same use cases as the admin API (so every change is audited
 * with the signed-in admin). Viewers read; every write is {@code @RolesAllowed(admin)}, so a viewer's forged form post
 * is refused with 403 even though their pages show no write controls. Pages have fixed paths (the tenant's id is a
 * query parameter) because Quarkus's CSRF filter issues its token on a fixed list of paths.
 */
@Path(PortalSessionMechanism.PORTAL)
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalTenants {
    public static final String LIST = PortalSessionMechanism.PORTAL + "/tenants";
    public static final String DETAIL = PortalSessionMechanism.PORTAL + "/tenant";
    static final int PAGE_SIZE = 20;
    /** Grace periods offered when rotating a key, in hours. */
    static final List<Integer> GRACE_HOURS = List.of(0, 1, 24, 72, 168);

    /** A form's rejected input: which field, and why, shown next to it. */
    public record FieldError(String field, String message) {
    }

    /** A tenant's list page: one page of tenants, the search, and the create form's state. */
    public record ListView(List<Tenant> tenants, long total, String search, int offset, Integer previousOffset,
                           Integer nextOffset, String name, String displayName, Optional<FieldError> error) {
        /** The create form's error about the name, or null. */
        public String nameError() {
            return error.filter(e -> !e.field().equals("displayName")).map(FieldError::message).orElse(null);
        }

        public String displayNameError() {
            return error.filter(e -> e.field().equals("displayName")).map(FieldError::message).orElse(null);
        }

        public int first() {
            return tenants.isEmpty() ? 0 : offset + 1;
        }

        public int last() {
            return offset + tenants.size();
        }
    }

    /** A key shown once, right after it was issued or rotated. */
    public record RevealedKey(String secret, String label, String prefix, String replacedPrefix) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(PortalPage page, ListView view);

        static native TemplateInstance detail(PortalPage page, Tenant tenant, List<ApiKeyView> keys,
                                              List<Integer> graceHours, String labelError, String graceError);

        static native TemplateInstance revealed(PortalPage page, Tenant tenant, RevealedKey key);
    }

    private final ListTenants listTenants;
    private final GetTenant getTenant;
    private final CreateTenant createTenant;
    private final ListApiKeys listApiKeys;
    private final IssueApiKey issueApiKey;
    private final RotateApiKey rotateApiKey;
    private final RevokeApiKey revokeApiKey;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalTenants(ListTenants listTenants, GetTenant getTenant, CreateTenant createTenant,
                         ListApiKeys listApiKeys, IssueApiKey issueApiKey, RotateApiKey rotateApiKey,
                         RevokeApiKey revokeApiKey, SecurityIdentity identity, GatewayInfo gateway) {
        this.listTenants = listTenants;
        this.getTenant = getTenant;
        this.createTenant = createTenant;
        this.listApiKeys = listApiKeys;
        this.issueApiKey = issueApiKey;
        this.rotateApiKey = rotateApiKey;
        this.revokeApiKey = revokeApiKey;
        this.identity = identity;
        this.gateway = gateway;
    }

    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response home() {
        return Response.seeOther(URI.create(PortalDashboard.PATH)).build();
    }

    @GET
    @Path("tenants")
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public TemplateInstance list(@QueryParam("search") String search,
                                 @QueryParam("offset") @DefaultValue("0") int offset) {
        return listPage(search, Math.max(0, offset), "", "", Optional.empty());
    }

    @POST
    @Path("tenants")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response create(@RestForm String name, @RestForm String displayName, @Context HttpServerRequest http) {
        String givenName = name == null ? "" : name;
        String givenDisplay = displayName == null ? "" : displayName;
        try {
            Tenant tenant = createTenant.execute(new CreateTenant.Command(givenName,
                    Optional.of(givenDisplay).filter(d -> !d.isBlank()), Optional.empty(), Map.of(),
                    PortalActors.actor(identity, http)));
            return Response.seeOther(URI.create(DETAIL + "?id=" + tenant.id())).build();
        } catch (InvalidRequestException e) {
            String field = e.field().orElse("name");
            String message = e.field().isPresent() ? e.problem() : e.getMessage();
            return Response.status(400).entity(listPage("", 0, givenName, givenDisplay,
                    Optional.of(new FieldError(field, message)))).build();
        } catch (ConflictException e) {
            return Response.status(409).entity(listPage("", 0, givenName, givenDisplay,
                    Optional.of(new FieldError("name", "is taken: " + e.getMessage())))).build();
        }
    }

    @GET
    @Path("tenant")
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response detail(@QueryParam("id") String id) {
        return Response.ok(detailPage(tenantId(id), Optional.empty())).build();
    }

    @POST
    @Path("tenant/keys")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response issue(@RestForm String tenant, @RestForm String label, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        if (label == null || label.isBlank()) {
            return Response.status(400).entity(detailPage(tenantId,
                    Optional.of(new FieldError("label", "is required")))).build();
        }
        try {
            IssueApiKey.Issued issued = issueApiKey.execute(new IssueApiKey.Command(tenantId, label.strip(),
                    Optional.empty(), KeyScopes.UNRESTRICTED, PortalActors.actor(identity, http)));
            return Response.ok(Templates.revealed(page("Key issued"), getTenant.execute(new GetTenant.Query(tenantId)),
                    new RevealedKey(issued.secret().reveal(), issued.view().label(), issued.view().prefix(), null))).build();
        } catch (InvalidRequestException e) {
            return Response.status(400).entity(detailPage(tenantId,
                    Optional.of(new FieldError("label", e.field().isPresent() ? e.problem() : e.getMessage()))))
                    .build();
        }
    }

    @POST
    @Path("tenant/keys/rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response rotate(@RestForm String tenant, @RestForm String key, @RestForm("graceHours") String graceHours,
                           @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Optional<Integer> hours = parseHours(graceHours);
        if (hours.isEmpty()) {
            return Response.status(400).entity(detailPage(tenantId, Optional.of(new FieldError("graceHours",
                    "choose one of " + GRACE_HOURS + " hours")))).build();
        }
        RotateApiKey.Result result = rotateApiKey.execute(new RotateApiKey.Command(tenantId, keyId(key),
                Duration.ofHours(hours.get()), Optional.empty(), PortalActors.actor(identity, http)));
        IssueApiKey.Issued replacement = result.replacement();
        return Response.ok(Templates.revealed(page("Key rotated"), getTenant.execute(new GetTenant.Query(tenantId)),
                new RevealedKey(replacement.secret().reveal(), replacement.view().label(),
                        replacement.view().prefix(), result.previous().prefix()))).build();
    }

    @POST
    @Path("tenant/keys/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response revoke(@RestForm String tenant, @RestForm String key, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        revokeApiKey.execute(new RevokeApiKey.Command(tenantId, keyId(key), PortalActors.actor(identity, http)));
        return Response.seeOther(URI.create(DETAIL + "?id=" + tenantId)).build();
    }

    private TemplateInstance listPage(String search, int offset, String name, String displayName,
                                      Optional<FieldError> error) {
        String query = search == null ? "" : search.strip();
        TenantPage page = listTenants.execute(new ListTenants.Query(Optional.of(query).filter(s -> !s.isEmpty()),
                false, offset, PAGE_SIZE));
        long next = (long) offset + page.tenants().size();
        return Templates.list(page("Tenants"), new ListView(page.tenants(), page.total(), query, offset,
                offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null, next < page.total() ? (int) next : null,
                name, displayName, error));
    }

    private TemplateInstance detailPage(TenantId tenantId, Optional<FieldError> error) {
        Tenant tenant = getTenant.execute(new GetTenant.Query(tenantId));
        return Templates.detail(page(tenant.displayName()), tenant,
                listApiKeys.execute(new ListApiKeys.Query(tenantId)), GRACE_HOURS,
                error.filter(e -> e.field().equals("label")).map(FieldError::message).orElse(null),
                error.filter(e -> e.field().equals("graceHours")).map(FieldError::message).orElse(null));
    }

    private PortalPage page(String title) {
        return PortalPage.of(title, "tenants", identity, gateway);
    }

    private static Optional<Integer> parseHours(String text) {
        try {
            int hours = Integer.parseInt(text == null ? "" : text.strip());
            return GRACE_HOURS.contains(hours) ? Optional.of(hours) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static TenantId tenantId(String id) {
        try {
            return new TenantId(UUID.fromString(id == null ? "" : id.strip()));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No tenant " + id + ".");
        }
    }

    private static ApiKeyId keyId(String id) {
        try {
            return new ApiKeyId(UUID.fromString(id == null ? "" : id.strip()));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No key " + id + ".");
        }
    }

    /** A missing tenant or key, a revoked key rotated: a plain page with the reason, never a 500. */
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response domain(DomainException e) {
        int status = e instanceof NotFoundException ? 404 : e instanceof ConflictException ? 409 : 400;
        return Response.status(status).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
    }
}
