package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.tenant.ClearTenantRateLimits;
import dev.gemgate.application.tenant.GetTenantRateLimits;
import dev.gemgate.application.tenant.SetTenantRateLimits;
import dev.gemgate.application.tenant.TenantRateLimits;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.quota.PriorityClass;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A tenant's rate-limit override on the admin API: its own limits, its limits on each model, its priority class. GET
 * shows the stored override and what is in force (merged with the configured defaults); PUT replaces the override;
 * DELETE removes it. A change is in force on this instance at once and on the other replicas within
 * {@code gemgate.quota.overrides-refresh} (5 s by default). Every change is audited by its use case.
 */
@Path("/admin/api/v1/tenants/{tenantId}/rate-limits")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Rate limits")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "404", description = "No such tenant",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminTenantRateLimitsResource {
    /** The stored override (null fields inherit) and the limits in force (null fields are no limit). */
    @Schema(name = "TenantRateLimits")
    public record View(String tenantId, RateLimitsJson.TenantLimits override,
                       RateLimitsJson.TenantLimits effective) {
        static View of(TenantRateLimits limits) {
            return new View(limits.override().tenant().toString(), new RateLimitsJson.TenantLimits(
                    RateLimitsJson.Limits.of(limits.override().tenantLimits()),
                    RateLimitsJson.Limits.of(limits.override().tenantModelLimits()),
                    limits.override().priority().map(PriorityClass::name).orElse(null)),
                    new RateLimitsJson.TenantLimits(RateLimitsJson.Limits.of(limits.effective().tenant()),
                            RateLimitsJson.Limits.of(limits.effective().tenantModel()),
                            limits.effective().priority().name()));
        }
    }

    private final GetTenantRateLimits getLimits;
    private final SetTenantRateLimits setLimits;
    private final ClearTenantRateLimits clearLimits;
    private final SecurityIdentity identity;

    public AdminTenantRateLimitsResource(GetTenantRateLimits getLimits, SetTenantRateLimits setLimits,
                                         ClearTenantRateLimits clearLimits, SecurityIdentity identity) {
        this.getLimits = getLimits;
        this.setLimits = setLimits;
        this.clearLimits = clearLimits;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A tenant's rate-limit override and the limits in force")
    @APIResponse(responseCode = "200", description = "The override and the effective limits",
            content = @Content(schema = @Schema(implementation = View.class)))
    public View get(@PathParam("tenantId") String tenantId) {
        return View.of(getLimits.execute(new GetTenantRateLimits.Query(AdminTenantsResource.tenantId(tenantId))));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a tenant's rate-limit override (fields absent or null inherit the defaults)")
    @RequestBody(content = @Content(schema = @Schema(implementation = RateLimitsJson.TenantLimits.class)))
    @APIResponse(responseCode = "200", description = "The override and the effective limits",
            content = @Content(schema = @Schema(implementation = View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response set(@PathParam("tenantId") String tenantId, String body,
                        @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        RateLimitsJson.TenantInput input = RateLimitsJson.tenant(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        return Response.ok(View.of(setLimits.execute(new SetTenantRateLimits.Command(
                AdminTenantsResource.tenantId(tenantId), input.tenant(), input.tenantModel(), input.priority(),
                AdminRequests.actor(identity, http, context))))).build();
    }

    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Remove a tenant's rate-limit override: the configured defaults apply again")
    @APIResponse(responseCode = "200", description = "The (empty) override and the effective limits",
            content = @Content(schema = @Schema(implementation = View.class)))
    public View clear(@PathParam("tenantId") String tenantId, @Context ContainerRequestContext context,
                      @Context HttpServerRequest http) {
        return View.of(clearLimits.execute(new ClearTenantRateLimits.Command(AdminTenantsResource.tenantId(tenantId),
                AdminRequests.actor(identity, http, context))));
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
