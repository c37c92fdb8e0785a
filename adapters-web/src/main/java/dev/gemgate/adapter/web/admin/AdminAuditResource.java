package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.audit.AuditLogFilters;
import dev.gemgate.application.audit.ExportAuditLog;
import dev.gemgate.application.audit.SearchAuditLog;
import dev.gemgate.domain.common.DomainException;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit log on the admin API, for admins and viewers: {@code GET /admin/api/v1/audit} a page of events newest
 * first ({@link SearchAuditLog}), and {@code GET /admin/api/v1/audit.csv} every matching event as CSV
 * ({@link ExportAuditLog}), streamed page by page as it is read. Both take the same filters; the fields are
 * {@link AuditJson}'s. A bad parameter is a 400 problem naming it, before any of the download is sent. A read: not
 * audited.
 */
@Path("/admin/api/v1")
@RunOnVirtualThread
@Tag(name = "Audit")
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
public class AdminAuditResource {
    static final String CSV = "text/csv";

    private final SearchAuditLog search;
    private final ExportAuditLog export;

    public AdminAuditResource(SearchAuditLog search, ExportAuditLog export) {
        this.search = search;
        this.export = export;
    }

    @GET
    @Path("audit")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "A page of audit events, newest first, filtered by tenant, admin, type and time")
    @APIResponse(responseCode = "200", description = "{events: [...], nextPageToken: a token for the next page, or "
            + "null on the last}")
    public Map<String, Object> page(@BeanParam Filters filters,
                                    @Parameter(description = "1 to 500 events (default 50)")
                                    @QueryParam("pageSize") String pageSize,
                                    @Parameter(description = "the nextPageToken of the previous page")
                                    @QueryParam("pageToken") String pageToken) {
        SearchAuditLog.Result result = search.execute(new SearchAuditLog.Query(filters.parse(), pageSize, pageToken));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("events", result.events().stream().map(AuditJson::of).toList());
        json.put("nextPageToken", result.nextPageToken().orElse(null));
        return json;
    }

    @GET
    @Path("audit.csv")
    @Produces(CSV)
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "Every matching audit event as CSV (RFC 4180, UTF-8), newest first, streamed")
    @APIResponse(responseCode = "200", description = "A header line, then one line per event",
            content = @Content(mediaType = CSV))
    public Response csv(@BeanParam Filters filters) {
        ExportAuditLog.Export prepared = export.prepare(filters.parse());
        StreamingOutput body = prepared::writeCsv;
        return Response.ok(body, CSV + ";charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"gemgate-audit.csv\"").build();
    }

    /** The filters both endpoints take. */
    public static class Filters {
        @Parameter(description = "a tenant id")
        @QueryParam("tenant")
        String tenant;
        @Parameter(description = "an admin's subject (admin actions only)")
        @QueryParam("actor")
        String actor;
        @Parameter(description = "an event type, e.g. TENANT_CREATED")
        @QueryParam("type")
        String type;
        @Parameter(description = "from this instant (2026-11-30T08:00:00Z) or UTC day (2026-11-30), included")
        @QueryParam("from")
        String from;
        @Parameter(description = "before this instant, excluded; or up to the end of this UTC day")
        @QueryParam("to")
        String to;

        AuditLogFilters parse() {
            return new AuditLogFilters(tenant, actor, type, from, to);
        }
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
