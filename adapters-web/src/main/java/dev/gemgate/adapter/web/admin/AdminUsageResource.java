package dev.gemgate.adapter.web.admin;

import dev.gemgate.adapter.web.usage.UsageJson;
import dev.gemgate.application.usage.ReadUsage;
import dev.gemgate.domain.common.DomainException;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * Any tenant's usage and cost on the admin API, with the parameters and the body of the tenant's own
 * {@code /gemgate/v1/usage} ({@link UsageJson}); errors as problem details. A read: not audited.
 */
@Path("/admin/api/v1/tenants/{tenantId}/usage")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Usage")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "400", description = "A parameter is invalid (named in errors[].field)",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "404", description = "No such tenant",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminUsageResource {
    private final ReadUsage readUsage;

    public AdminUsageResource(ReadUsage readUsage) {
        this.readUsage = readUsage;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A tenant's requests, tokens and cost over a range of days, by day, model, key or end user")
    @APIResponse(responseCode = "200", description = "The total of the range and one row per group; costUsd is a "
            + "decimal string of US dollars, tokens are integers")
    public Map<String, Object> usage(@PathParam("tenantId") String tenantId,
                                     @Parameter(description = "first day, YYYY-MM-DD (default: the first of this month)")
                                     @QueryParam("from") String from,
                                     @Parameter(description = "last day, included (default: the last of this month); "
                                             + "at most 366 days after from")
                                     @QueryParam("to") String to,
                                     @Parameter(description = "day (default), model, key or endUser")
                                     @QueryParam("groupBy") String groupBy,
                                     @Parameter(description = "where days begin: an IANA zone or an offset (default UTC)")
                                     @QueryParam("zone") String zone) {
        return UsageJson.of(readUsage.execute(new ReadUsage.Query(AdminTenantsResource.tenantId(tenantId), from, to,
                groupBy, zone)));
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
