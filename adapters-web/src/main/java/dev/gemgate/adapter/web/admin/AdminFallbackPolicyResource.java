package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.upstream.GetFallbackPolicy;
import dev.gemgate.application.upstream.RemoveFallbackPolicy;
import dev.gemgate.application.upstream.SetFallbackPolicy;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.tenant.TenantId;
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
 * A tenant's fallback policy on the admin API: strict mode (never served by another model than the one requested) and
 * its own fallback chains per model, which replace the configured ones ({@code gemgate.upstream.fallback.*}) for the
 * models they name. GET shows it (the default, {@code "stored": false}, for a tenant that has none); PUT replaces it;
 * DELETE removes it (the configured chains apply again). In force on this instance at once, on the other replicas
 * within {@code gemgate.budget.refresh}. Audited by the use cases.
 */
@Path("/admin/api/v1/tenants/{tenantId}/fallback-policy")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Fallback")
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
public class AdminFallbackPolicyResource {
    private final GetFallbackPolicy getPolicy;
    private final SetFallbackPolicy setPolicy;
    private final RemoveFallbackPolicy removePolicy;
    private final SecurityIdentity identity;

    public AdminFallbackPolicyResource(GetFallbackPolicy getPolicy, SetFallbackPolicy setPolicy,
                                       RemoveFallbackPolicy removePolicy, SecurityIdentity identity) {
        this.getPolicy = getPolicy;
        this.setPolicy = setPolicy;
        this.removePolicy = removePolicy;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A tenant's fallback policy, with the configured chains")
    @APIResponse(responseCode = "200", description = "The policy",
            content = @Content(schema = @Schema(implementation = FallbackJson.View.class)))
    public FallbackJson.View get(@PathParam("tenantId") String tenantId) {
        return FallbackJson.View.of(getPolicy.execute(new GetFallbackPolicy.Query(
                AdminTenantsResource.tenantId(tenantId))));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a tenant's fallback policy (absent fields take their defaults)")
    @RequestBody(content = @Content(schema = @Schema(implementation = FallbackJson.Input.class)))
    @APIResponse(responseCode = "200", description = "The policy as it now is",
            content = @Content(schema = @Schema(implementation = FallbackJson.View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields (every one named), or a model without a price",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response set(@PathParam("tenantId") String tenantId, String body,
                        @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        FallbackJson.PolicyInput input = FallbackJson.policy(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        TenantId tenant = AdminTenantsResource.tenantId(tenantId);
        setPolicy.execute(new SetFallbackPolicy.Command(tenant, input.policy(),
                AdminRequests.actor(identity, http, context)));
        return Response.ok(FallbackJson.View.of(getPolicy.execute(new GetFallbackPolicy.Query(tenant)))).build();
    }

    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Remove a tenant's fallback policy: the configured chains apply to it again")
    @APIResponse(responseCode = "204", description = "Removed (or it had none)")
    public Response remove(@PathParam("tenantId") String tenantId, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        removePolicy.execute(new RemoveFallbackPolicy.Command(AdminTenantsResource.tenantId(tenantId),
                AdminRequests.actor(identity, http, context)));
        return Response.noContent().build();
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
