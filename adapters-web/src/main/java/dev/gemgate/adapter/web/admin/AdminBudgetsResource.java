package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.GetBudget;
import dev.gemgate.application.budget.ListBudgets;
import dev.gemgate.application.budget.RemoveBudget;
import dev.gemgate.application.budget.ReplaceBudget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.NotFoundException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.UUID;

/**
 * A tenant's budgets on the admin API: its own, its keys' and its end users' ({@code "*"}: each end user's default).
 * A stored budget replaces the configured default ({@code gemgate.budget.<scope>.*}) of its scope for its tenant, key
 * or end user. A change is in force on this instance at once and on the other replicas within
 * {@code gemgate.budget.refresh} (5 s by default). Every change is audited by its use case.
 */
@Path("/admin/api/v1/tenants/{tenantId}/budgets")
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
@APIResponse(responseCode = "404", description = "No such tenant or budget",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminBudgetsResource {
    @Schema(name = "BudgetList")
    public record ListView(List<BudgetsJson.View> budgets) {
    }

    private final ListBudgets listBudgets;
    private final GetBudget getBudget;
    private final AddBudget addBudget;
    private final ReplaceBudget replaceBudget;
    private final RemoveBudget removeBudget;
    private final SecurityIdentity identity;

    public AdminBudgetsResource(ListBudgets listBudgets, GetBudget getBudget, AddBudget addBudget,
                                ReplaceBudget replaceBudget, RemoveBudget removeBudget, SecurityIdentity identity) {
        this.listBudgets = listBudgets;
        this.getBudget = getBudget;
        this.addBudget = addBudget;
        this.replaceBudget = replaceBudget;
        this.removeBudget = removeBudget;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "List a tenant's budgets (its own, its keys', its end users'), oldest first")
    @APIResponse(responseCode = "200", description = "The budgets",
            content = @Content(schema = @Schema(implementation = ListView.class)))
    public ListView list(@PathParam("tenantId") String tenantId) {
        return new ListView(listBudgets.execute(new ListBudgets.Query(AdminTenantsResource.tenantId(tenantId)))
                .stream().map(BudgetsJson.View::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Add a budget to a tenant, one of its keys or its end users")
    @RequestBody(content = @Content(schema = @Schema(implementation = BudgetsJson.Input.class)))
    @APIResponse(responseCode = "201", description = "Added",
            content = @Content(schema = @Schema(implementation = BudgetsJson.View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields (every one named)",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    @APIResponse(responseCode = "409", description = "The tenant has a budget of that scope, key or end user and "
            + "period already", content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
            schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response add(@PathParam("tenantId") String tenantId, String body, @Context UriInfo uri,
                        @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        BudgetsJson.BudgetInput input = BudgetsJson.budget(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        StoredBudget added = addBudget.execute(new AddBudget.Command(AdminTenantsResource.tenantId(tenantId),
                input.spec(), AdminRequests.actor(identity, http, context)));
        return Response.created(uri.getAbsolutePathBuilder().path(added.id().toString()).build())
                .entity(BudgetsJson.View.of(added)).build();
    }

    @GET
    @Path("{budgetId}")
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "One of a tenant's budgets")
    @APIResponse(responseCode = "200", description = "The budget",
            content = @Content(schema = @Schema(implementation = BudgetsJson.View.class)))
    public BudgetsJson.View get(@PathParam("tenantId") String tenantId, @PathParam("budgetId") String budgetId) {
        return BudgetsJson.View.of(getBudget.execute(new GetBudget.Query(AdminTenantsResource.tenantId(tenantId),
                budgetId(budgetId))));
    }

    @PUT
    @Path("{budgetId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a budget whole (a new limit applies to the running period's spend; a new period or "
            + "zone starts a new account)")
    @RequestBody(content = @Content(schema = @Schema(implementation = BudgetsJson.Input.class)))
    @APIResponse(responseCode = "200", description = "The budget as it now is",
            content = @Content(schema = @Schema(implementation = BudgetsJson.View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields (every one named)",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    @APIResponse(responseCode = "409", description = "Another budget of the tenant has that scope, key or end user "
            + "and period", content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
            schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response replace(@PathParam("tenantId") String tenantId, @PathParam("budgetId") String budgetId,
                            String body, @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        BudgetsJson.BudgetInput input = BudgetsJson.budget(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        return Response.ok(BudgetsJson.View.of(replaceBudget.execute(new ReplaceBudget.Command(
                AdminTenantsResource.tenantId(tenantId), budgetId(budgetId), input.spec(),
                AdminRequests.actor(identity, http, context))))).build();
    }

    @DELETE
    @Path("{budgetId}")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Remove a budget: what it replaced (the configured default of its scope, or the tenant's "
            + "every-end-user budget) applies again")
    @APIResponse(responseCode = "204", description = "Removed")
    public Response remove(@PathParam("tenantId") String tenantId, @PathParam("budgetId") String budgetId,
                           @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        removeBudget.execute(new RemoveBudget.Command(AdminTenantsResource.tenantId(tenantId), budgetId(budgetId),
                AdminRequests.actor(identity, http, context)));
        return Response.noContent().build();
    }

    static BudgetId budgetId(String id) {
        try {
            return new BudgetId(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No budget " + id + ".");
        }
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
