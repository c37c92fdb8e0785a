package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.DeleteTenant;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.ListTenants;
import dev.gemgate.application.tenant.ResumeTenant;
import dev.gemgate.application.tenant.SuspendTenant;
import dev.gemgate.application.tenant.UpdateTenant;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenants on the admin API: admins may change anything, viewers read. Every change is audited by its use case with
 * the acting admin (subject, name, source address). Errors are problem details ({@link AdminProblem}): the domain
 * mapper here is this resource's own, so the tenant surface keeps Gemini's envelope.
 */
@Path("/admin/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Tenants")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminTenantsResource {
    static final int MAX_PAGE = 500;

    /** The body of a create request. */
    @Schema(name = "CreateTenant")
    public record CreateRequest(@Schema(required = true, maxLength = Tenant.MAX_NAME_LENGTH, example = "acme")
                                String name,
                                @Schema(description = "defaults to the name") String displayName,
                                String contact, Map<String, String> metadata) {
    }

    /** The body of an update: only the fields present change. */
    @Schema(name = "UpdateTenant")
    public record UpdateRequest(String displayName, String contact, Map<String, String> metadata) {
    }

    /** A tenant as the admin API shows it. */
    @Schema(name = "Tenant")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TenantView(String id, String name, String displayName, String contact, Map<String, String> metadata,
                             @Schema(enumeration = {"ACTIVE", "SUSPENDED", "DELETED"}) String status,
                             String createdAt, String deletedAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id().toString(), tenant.name(), tenant.displayName(),
                    tenant.contact().orElse(null), tenant.metadata(), tenant.status().name(),
                    tenant.createdAt().toString(), tenant.deletedAt().map(Object::toString).orElse(null));
        }
    }

    /** One page of tenants, oldest first; {@code nextOffset} is absent on the last page. */
    @Schema(name = "TenantPage")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TenantPageView(List<TenantView> tenants, long total, Integer nextOffset) {
    }

    private final CreateTenant createTenant;
    private final ListTenants listTenants;
    private final GetTenant getTenant;
    private final UpdateTenant updateTenant;
    private final SuspendTenant suspendTenant;
    private final ResumeTenant resumeTenant;
    private final DeleteTenant deleteTenant;
    private final SecurityIdentity identity;

    public AdminTenantsResource(CreateTenant createTenant, ListTenants listTenants, GetTenant getTenant,
                                UpdateTenant updateTenant, SuspendTenant suspendTenant, ResumeTenant resumeTenant,
                                DeleteTenant deleteTenant, SecurityIdentity identity) {
        this.createTenant = createTenant;
        this.listTenants = listTenants;
        this.getTenant = getTenant;
        this.updateTenant = updateTenant;
        this.suspendTenant = suspendTenant;
        this.resumeTenant = resumeTenant;
        this.deleteTenant = deleteTenant;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Create a tenant")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    @APIResponse(responseCode = "409", description = "A tenant with this name exists",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response create(CreateRequest request, @Context UriInfo uri, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        List<AdminProblem.FieldError> invalid = new ArrayList<>();
        if (request == null || request.name() == null || request.name().isBlank()) {
            invalid.add(new AdminProblem.FieldError("name", "is required"));
        } else if (request.name().strip().length() > Tenant.MAX_NAME_LENGTH) {
            invalid.add(new AdminProblem.FieldError("name", "has at most " + Tenant.MAX_NAME_LENGTH + " characters"));
        }
        if (!invalid.isEmpty()) {
            return AdminProblem.invalidFields(invalid).toResponse(context);
        }
        Tenant tenant = createTenant.execute(new CreateTenant.Command(request.name(),
                Optional.ofNullable(request.displayName()), Optional.ofNullable(request.contact()),
                request.metadata() == null ? Map.of() : request.metadata(),
                AdminRequests.actor(identity, http, context)));
        return Response.created(uri.getAbsolutePathBuilder().path(tenant.id().toString()).build())
                .entity(TenantView.of(tenant)).build();
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "List tenants, oldest first, optionally by a part of their name")
    @APIResponse(responseCode = "200", description = "One page",
            content = @Content(schema = @Schema(implementation = TenantPageView.class)))
    @APIResponse(responseCode = "400", description = "Bad paging",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public TenantPageView list(@QueryParam("search") String search,
                               @QueryParam("offset") @DefaultValue("0") int offset,
                               @QueryParam("limit") @DefaultValue("50") int limit,
                               @QueryParam("includeDeleted") @DefaultValue("false") boolean includeDeleted) {
        TenantPage page = listTenants.execute(new ListTenants.Query(
                Optional.ofNullable(search).filter(s -> !s.isBlank()), includeDeleted, offset, limit));
        List<TenantView> views = page.tenants().stream().map(TenantView::of).toList();
        long next = (long) offset + views.size();
        return new TenantPageView(views, page.total(), next < page.total() ? (int) next : null);
    }

    @GET
    @Path("{id}")
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "Get a tenant")
    @APIResponse(responseCode = "200", description = "The tenant",
            content = @Content(schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "404", description = "No such tenant",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public TenantView get(@PathParam("id") String id) {
        return TenantView.of(getTenant.execute(new GetTenant.Query(tenantId(id))));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Change a tenant's display name, contact or metadata (the fields sent)")
    @APIResponse(responseCode = "200", description = "The changed tenant",
            content = @Content(schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "404", description = "No such tenant",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public TenantView update(@PathParam("id") String id, UpdateRequest request,
                             @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(id);
        Tenant current = getTenant.execute(new GetTenant.Query(tenantId));
        UpdateRequest changes = request == null ? new UpdateRequest(null, null, null) : request;
        return TenantView.of(updateTenant.execute(new UpdateTenant.Command(tenantId,
                changes.displayName() == null ? current.displayName() : changes.displayName(),
                changes.contact() == null ? current.contact() : Optional.of(changes.contact()),
                changes.metadata() == null ? current.metadata() : changes.metadata(),
                AdminRequests.actor(identity, http, context))));
    }

    @POST
    @Path("{id}/suspend")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Suspend a tenant: its keys are refused with 403 until it is resumed")
    @APIResponse(responseCode = "200", description = "The tenant",
            content = @Content(schema = @Schema(implementation = TenantView.class)))
    public TenantView suspend(@PathParam("id") String id, @Context ContainerRequestContext context,
                              @Context HttpServerRequest http) {
        return TenantView.of(suspendTenant.execute(new SuspendTenant.Command(tenantId(id),
                AdminRequests.actor(identity, http, context))).tenant());
    }

    @POST
    @Path("{id}/resume")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Resume a suspended tenant")
    @APIResponse(responseCode = "200", description = "The tenant",
            content = @Content(schema = @Schema(implementation = TenantView.class)))
    public TenantView resume(@PathParam("id") String id, @Context ContainerRequestContext context,
                             @Context HttpServerRequest http) {
        return TenantView.of(resumeTenant.execute(new ResumeTenant.Command(tenantId(id),
                AdminRequests.actor(identity, http, context))).tenant());
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Delete a tenant (soft: its audit trail stays, its keys stop working, its name is free)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such tenant",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        deleteTenant.execute(new DeleteTenant.Command(tenantId(id), AdminRequests.actor(identity, http, context)));
        return Response.noContent().build();
    }

    static TenantId tenantId(String id) {
        try {
            return new TenantId(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No tenant " + id + ".");
        }
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
