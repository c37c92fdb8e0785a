package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.tenant.ApiKeyRateLimits;
import dev.gemgate.application.tenant.ClearApiKeyRateLimits;
import dev.gemgate.application.tenant.GetApiKeyRateLimits;
import dev.gemgate.application.tenant.SetApiKeyRateLimits;
import dev.gemgate.domain.common.DomainException;
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
 * An API key's rate-limit override on the admin API (the key's own limits; its tenant's still apply on top). GET shows
 * the stored override and what is in force; PUT replaces it; DELETE removes it. In force on this instance at once, on
 * the other replicas within {@code gemgate.quota.overrides-refresh}. Every change is audited by its use case.
 */
@Path("/admin/api/v1/tenants/{tenantId}/keys/{keyId}/rate-limits")
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
@APIResponse(responseCode = "404", description = "No such tenant or key",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminKeyRateLimitsResource {
    /** The stored override (null fields inherit) and the key's limits in force (null fields are no limit). */
    @Schema(name = "ApiKeyRateLimits")
    public record View(String tenantId, String keyId, RateLimitsJson.Limits override,
                       RateLimitsJson.Limits effective) {
        static View of(ApiKeyRateLimits limits) {
            return new View(limits.override().tenant().toString(), limits.override().key().toString(),
                    RateLimitsJson.Limits.of(limits.override().limits()), RateLimitsJson.Limits.of(limits.effective()));
        }
    }

    private final GetApiKeyRateLimits getLimits;
    private final SetApiKeyRateLimits setLimits;
    private final ClearApiKeyRateLimits clearLimits;
    private final SecurityIdentity identity;

    public AdminKeyRateLimitsResource(GetApiKeyRateLimits getLimits, SetApiKeyRateLimits setLimits,
                                      ClearApiKeyRateLimits clearLimits, SecurityIdentity identity) {
        this.getLimits = getLimits;
        this.setLimits = setLimits;
        this.clearLimits = clearLimits;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A key's rate-limit override and the key's limits in force")
    @APIResponse(responseCode = "200", description = "The override and the effective limits",
            content = @Content(schema = @Schema(implementation = View.class)))
    public View get(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId) {
        return View.of(getLimits.execute(new GetApiKeyRateLimits.Query(AdminTenantsResource.tenantId(tenantId),
                AdminKeysResource.key(keyId))));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a key's rate-limit override (fields absent or null inherit the defaults)")
    @RequestBody(content = @Content(schema = @Schema(implementation = RateLimitsJson.Limits.class)))
    @APIResponse(responseCode = "200", description = "The override and the effective limits",
            content = @Content(schema = @Schema(implementation = View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response set(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId, String body,
                        @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        RateLimitsJson.KeyInput input = RateLimitsJson.key(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        return Response.ok(View.of(setLimits.execute(new SetApiKeyRateLimits.Command(
                AdminTenantsResource.tenantId(tenantId), AdminKeysResource.key(keyId), input.limits(),
                AdminRequests.actor(identity, http, context))))).build();
    }

    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Remove a key's rate-limit override: the configured key defaults apply again")
    @APIResponse(responseCode = "200", description = "The (empty) override and the effective limits",
            content = @Content(schema = @Schema(implementation = View.class)))
    public View clear(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId,
                      @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        return View.of(clearLimits.execute(new ClearApiKeyRateLimits.Command(AdminTenantsResource.tenantId(tenantId),
                AdminKeysResource.key(keyId), AdminRequests.actor(identity, http, context))));
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
