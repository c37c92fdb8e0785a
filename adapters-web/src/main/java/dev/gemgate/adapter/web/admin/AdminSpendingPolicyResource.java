package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.budget.GetSpendingPolicy;
import dev.gemgate.application.budget.SetSpendingPolicy;
import dev.gemgate.domain.common.DomainException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
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
 * A tenant's spending policy on the admin API: how its requests are bounded for the budget reservation where the
 * request does not bound its own cost (a forwarded output cap; refusing media Gemgate cannot measure). GET shows it
 * (the default for a tenant that has none); PUT replaces it. In force on this instance at once, on the other replicas
 * within {@code gemgate.budget.refresh}. Audited by the use case.
 */
@Path("/admin/api/v1/tenants/{tenantId}/spending-policy")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Budgets")
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
public class AdminSpendingPolicyResource {
    private final GetSpendingPolicy getPolicy;
    private final SetSpendingPolicy setPolicy;
    private final SecurityIdentity identity;

    public AdminSpendingPolicyResource(GetSpendingPolicy getPolicy, SetSpendingPolicy setPolicy,
                                       SecurityIdentity identity) {
        this.getPolicy = getPolicy;
        this.setPolicy = setPolicy;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A tenant's spending policy")
    @APIResponse(responseCode = "200", description = "The policy",
            content = @Content(schema = @Schema(implementation = BudgetsJson.Policy.class)))
    public BudgetsJson.Policy get(@PathParam("tenantId") String tenantId) {
        return BudgetsJson.Policy.of(getPolicy.execute(new GetSpendingPolicy.Query(
                AdminTenantsResource.tenantId(tenantId))));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a tenant's spending policy (absent fields take their defaults)")
    @RequestBody(content = @Content(schema = @Schema(implementation = BudgetsJson.Policy.class)))
    @APIResponse(responseCode = "200", description = "The policy as it now is",
            content = @Content(schema = @Schema(implementation = BudgetsJson.Policy.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields (every one named)",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response set(@PathParam("tenantId") String tenantId, String body,
                        @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        BudgetsJson.PolicyInput input = BudgetsJson.policy(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        return Response.ok(BudgetsJson.Policy.of(setPolicy.execute(new SetSpendingPolicy.Command(
                AdminTenantsResource.tenantId(tenantId), input.policy(),
                AdminRequests.actor(identity, http, context))))).build();
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
