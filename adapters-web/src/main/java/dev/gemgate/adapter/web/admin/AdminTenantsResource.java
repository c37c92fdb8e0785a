package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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
import java.util.UUID;

/**
 * Tenants on the admin API. Admins may change anything, viewers read. Errors are problem details
 * ({@link AdminProblem}); the mappers here are this resource's own, so the tenant surface keeps Gemini's envelope.
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
    static final int MAX_PAGE = 200;

    /** The body of a create request. */
    @Schema(name = "CreateTenant")
    public record CreateRequest(@Schema(required = true, maxLength = Tenant.MAX_NAME_LENGTH, example = "acme")
                                String name) {
    }

    /** A tenant as the admin API shows it. */
    @Schema(name = "Tenant")
    public record TenantView(String id, String name, @Schema(enumeration = {"ACTIVE", "SUSPENDED"}) String status,
                             String createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id().toString(), tenant.name(), tenant.status().name(),
                    tenant.createdAt().toString());
        }
    }

    /** One page of tenants; {@code nextOffset} is absent on the last page. */
    @Schema(name = "TenantPage")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TenantPage(List<TenantView> tenants, Integer nextOffset) {
    }

    private final CreateTenant createTenant;
    private final TenantRepository tenants;

    public AdminTenantsResource(CreateTenant createTenant, TenantRepository tenants) {
        this.createTenant = createTenant;
        this.tenants = tenants;
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
    public Response create(CreateRequest request, @Context UriInfo uri, @Context ContainerRequestContext context) {
        List<AdminProblem.FieldError> invalid = new ArrayList<>();
        if (request == null || request.name() == null || request.name().isBlank()) {
            invalid.add(new AdminProblem.FieldError("name", "is required"));
        } else if (request.name().strip().length() > Tenant.MAX_NAME_LENGTH) {
            invalid.add(new AdminProblem.FieldError("name", "has at most " + Tenant.MAX_NAME_LENGTH + " characters"));
        }
        if (!invalid.isEmpty()) {
            return AdminProblem.invalidFields(invalid).toResponse(context);
        }
        Tenant tenant = createTenant.execute(new CreateTenant.Command(request.name()));
        return Response.created(uri.getAbsolutePathBuilder().path(tenant.id().toString()).build())
                .entity(TenantView.of(tenant)).build();
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "List tenants, oldest first")
    @APIResponse(responseCode = "200", description = "One page",
            content = @Content(schema = @Schema(implementation = TenantPage.class)))
    @APIResponse(responseCode = "400", description = "Bad paging",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
    public TenantPage list(@QueryParam("offset") @DefaultValue("0") int offset,
                           @QueryParam("limit") @DefaultValue("50") int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new InvalidRequestException("offset must be 0 or more and limit from 1 to " + MAX_PAGE + ".");
        }
        List<TenantView> page = tenants.list(offset, limit + 1).stream().map(TenantView::of).toList();
        return page.size() > limit
                ? new TenantPage(page.subList(0, limit), offset + limit)
                : new TenantPage(page, null);
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
        return TenantView.of(tenants.findById(tenantId(id))
                .orElseThrow(() -> new NotFoundException("No tenant " + id + ".")));
    }

    private static TenantId tenantId(String id) {
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
