package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.cache.GetCachePolicy;
import dev.gemgate.application.cache.RemoveCachePolicy;
import dev.gemgate.application.cache.SetCachePolicy;
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
 * A tenant's response-cache policy on the admin API: how long its answers are served from the cache ({@code ttlSeconds},
 * 0 turns its caching off) and whether its requests that are not deterministic (no explicit temperature 0) are cached
 * too. GET shows the policy in force (the configured one, {@code "stored": false}, for a tenant that has none); PUT
 * replaces it; DELETE removes it (the configured one applies again). In force on this instance at once, on the other
 * replicas within {@code gemgate.budget.refresh}. Audited by the use cases (CACHE_POLICY_CHANGED).
 */
@Path("/admin/api/v1/tenants/{tenantId}/cache-policy")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Cache")
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
public class AdminCachePolicyResource {
    private final GetCachePolicy getPolicy;
    private final SetCachePolicy setPolicy;
    private final RemoveCachePolicy removePolicy;
    private final SecurityIdentity identity;

    public AdminCachePolicyResource(GetCachePolicy getPolicy, SetCachePolicy setPolicy,
                                    RemoveCachePolicy removePolicy, SecurityIdentity identity) {
        this.getPolicy = getPolicy;
        this.setPolicy = setPolicy;
        this.removePolicy = removePolicy;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A tenant's response-cache policy, with the configured one")
    @APIResponse(responseCode = "200", description = "The policy",
            content = @Content(schema = @Schema(implementation = CacheJson.View.class)))
    public CacheJson.View get(@PathParam("tenantId") String tenantId) {
        return CacheJson.View.of(getPolicy.execute(new GetCachePolicy.Query(AdminTenantsResource.tenantId(tenantId))));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a tenant's response-cache policy")
    @RequestBody(content = @Content(schema = @Schema(implementation = CacheJson.Input.class)))
    @APIResponse(responseCode = "200", description = "The policy as it now is",
            content = @Content(schema = @Schema(implementation = CacheJson.View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields (every one named)",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response set(@PathParam("tenantId") String tenantId, String body,
                        @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        CacheJson.PolicyInput input = CacheJson.policy(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        TenantId tenant = AdminTenantsResource.tenantId(tenantId);
        setPolicy.execute(new SetCachePolicy.Command(tenant, input.policy(),
                AdminRequests.actor(identity, http, context)));
        return Response.ok(CacheJson.View.of(getPolicy.execute(new GetCachePolicy.Query(tenant)))).build();
    }

    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Remove a tenant's response-cache policy: the configured one applies to it again")
    @APIResponse(responseCode = "204", description = "Removed (or it had none)")
    public Response remove(@PathParam("tenantId") String tenantId, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        removePolicy.execute(new RemoveCachePolicy.Command(AdminTenantsResource.tenantId(tenantId),
                AdminRequests.actor(identity, http, context)));
        return Response.noContent().build();
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
