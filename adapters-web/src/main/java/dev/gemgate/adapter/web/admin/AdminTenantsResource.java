package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tenants on the admin API. Admins may change anything, viewers read. Errors are problem details
 * ({@link AdminProblem}); the mappers here are this resource's own, so the tenant surface keeps Gemini's envelope.
 */
@Path("/admin/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class AdminTenantsResource {
    static final int MAX_PAGE = 200;

    /** The body of a create request. */
    public record CreateRequest(String name) {
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
    public Response create(CreateRequest request, @Context UriInfo uri) {
        List<AdminProblem.FieldError> invalid = new ArrayList<>();
        if (request == null || request.name() == null || request.name().isBlank()) {
            invalid.add(new AdminProblem.FieldError("name", "is required"));
        } else if (request.name().strip().length() > Tenant.MAX_NAME_LENGTH) {
            invalid.add(new AdminProblem.FieldError("name", "has at most " + Tenant.MAX_NAME_LENGTH + " characters"));
        }
        if (!invalid.isEmpty()) {
            return AdminProblem.invalidFields(invalid).toResponse(null);
        }
        Tenant tenant = createTenant.execute(new CreateTenant.Command(request.name()));
        return Response.created(uri.getAbsolutePathBuilder().path(tenant.id().toString()).build())
                .entity(json(tenant)).build();
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    public Map<String, Object> list(@QueryParam("offset") @DefaultValue("0") int offset,
                                    @QueryParam("limit") @DefaultValue("50") int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new dev.gemgate.domain.common.InvalidRequestException(
                    "offset must be 0 or more and limit from 1 to " + MAX_PAGE + ".");
        }
        List<Map<String, Object>> page = tenants.list(offset, limit + 1).stream().map(AdminTenantsResource::json)
                .toList();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("tenants", page.size() > limit ? page.subList(0, limit) : page);
        if (page.size() > limit) {
            reply.put("nextOffset", offset + limit);
        }
        return reply;
    }

    @GET
    @Path("{id}")
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    public Map<String, Object> get(@PathParam("id") String id) {
        return json(tenants.findById(tenantId(id))
                .orElseThrow(() -> new NotFoundException("No tenant " + id + ".")));
    }

    private static TenantId tenantId(String id) {
        try {
            return new TenantId(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No tenant " + id + ".");
        }
    }

    static Map<String, Object> json(Tenant tenant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", tenant.id().toString());
        json.put("name", tenant.name());
        json.put("status", tenant.status().name());
        json.put("createdAt", tenant.createdAt().toString());
        return json;
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request) {
        return Response.fromResponse(new AdminProblem(401, "Unauthenticated",
                        "A bearer token from the configured identity provider is required.", List.of())
                .toResponse(request)).header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return new AdminProblem(403, "Forbidden", "Your role does not allow this action.", List.of())
                .toResponse(request);
    }
}
