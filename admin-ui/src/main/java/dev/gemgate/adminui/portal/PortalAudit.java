package dev.gemgate.adminui.portal;

import dev.gemgate.application.audit.AuditLogFilters;
import dev.gemgate.application.audit.AuditRecord;
import dev.gemgate.application.audit.ExportAuditLog;
import dev.gemgate.application.audit.SearchAuditLog;
import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The audit log in the portal, for admins and viewers, on the same use cases as the admin API: a page of events newest
 * first, filtered by tenant, admin, type and time ({@link SearchAuditLog}; a plain GET form, so it works without
 * JavaScript), paged by keyset ("older events" carries the page's token), and every matching event as CSV
 * ({@link ExportAuditLog}, the admin API's columns, {@link AuditRecord}), streamed page by page. A bad filter
 * re-renders the page with 400 and the error next to its field. A read: not audited.
 */
@Path(PortalSessionMechanism.PORTAL)
@RunOnVirtualThread
public class PortalAudit {
    public static final String PATH = PortalSessionMechanism.PORTAL + "/audit";
    static final String CSV = "text/csv";
    /** The filters' fields, in the form's order. */
    static final List<String> FIELDS = List.of("tenant", "actor", "type", "from", "to");

    /** The filters as the form sent them (null or blank: absent); {@code page} is an "older events" token. */
    public static class Filters {
        @QueryParam("tenant")
        String tenant;
        @QueryParam("actor")
        String actor;
        @QueryParam("type")
        String type;
        @QueryParam("from")
        String from;
        @QueryParam("to")
        String to;

        AuditLogFilters parse() {
            return new AuditLogFilters(tenant, actor, type, from, to);
        }

        Given values() {
            return new Given(clean(tenant), clean(actor), clean(type), clean(from), clean(to));
        }

        private static String clean(String value) {
            return value == null ? "" : value.strip();
        }
    }

    /** The filters as given, for the form (blank where absent). */
    public record Given(String tenant, String actor, String type, String from, String to) {
        Map<String, String> asMap() {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("tenant", tenant);
            values.put("actor", actor);
            values.put("type", type);
            values.put("from", from);
            values.put("to", to);
            return values;
        }
    }

    /** One event as a row of the page. */
    public record Row(String id, String at, String shownAt, String type, String outcome, String tenant,
                      String actor, String actorName, String model, String cost, String detail) {
        static Row of(AuditEvent e) {
            return new Row(e.id().toString(), e.occurredAt().toString(), PortalDashboard.seconds(e.occurredAt()),
                    e.type().name(), e.outcome().name(),
                    e.tenant().map(Object::toString).orElse(null), e.actor(),
                    e.admin().map(AdminDetails::actorName).orElse(null), e.model().map(m -> m.value()).orElse(null),
                    e.cost().isZero() ? "" : PortalDashboard.usd(e.cost()),
                    e.admin().map(AdminDetails::target).filter(t -> !t.isBlank()).orElse(e.detail()));
        }
    }

    /**
     * The page: the filters as sent, the rejected field and why (or none), the events, and the links' query strings
     * (URL-encoded; the template escapes them for HTML).
     */
    public record View(Given filters, String errorField, String error, List<Row> events,
                       boolean paged, String olderQuery, String filterQuery, List<String> types) {
        public String error(String field) {
            return field.equals(errorField) ? error : null;
        }

        /** An error that belongs to no field of the form (a stale page token). */
        public String formError() {
            return errorField != null && !FIELDS.contains(errorField) ? error : null;
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance audit(PortalPage page, View view);
    }

    private final SearchAuditLog search;
    private final ExportAuditLog export;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalAudit(SearchAuditLog search, ExportAuditLog export, SecurityIdentity identity, GatewayInfo gateway) {
        this.search = search;
        this.export = export;
        this.identity = identity;
        this.gateway = gateway;
    }

    @GET
    @Path("audit")
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response page(@BeanParam Filters filters, @QueryParam("page") String pageToken) {
        try {
            SearchAuditLog.Result result = search.execute(new SearchAuditLog.Query(filters.parse(), null,
                    pageToken));
            String filterQuery = query(filters.values(), Optional.empty());
            return html(200, Templates.audit(page(), new View(filters.values(), null, null,
                    result.events().stream().map(Row::of).toList(), pageToken != null && !pageToken.isBlank(),
                    result.nextPageToken().map(t -> query(filters.values(), Optional.of(t))).orElse(null),
                    filterQuery, types())));
        } catch (InvalidRequestException e) {
            return refused(filters, e);
        }
    }

    @GET
    @Path("audit.csv")
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response csv(@BeanParam Filters filters) {
        ExportAuditLog.Export prepared;
        try {
            prepared = export.prepare(filters.parse());
        } catch (InvalidRequestException e) {
            return refused(filters, e);
        }
        StreamingOutput body = prepared::writeCsv;
        return Response.ok(body, CSV + ";charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"gemgate-audit.csv\"").build();
    }

    /** A bad filter: the form again, with the error next to its field, and no events. */
    private Response refused(Filters filters, InvalidRequestException e) {
        String field = e.field().orElse("");
        String message = e.field().isPresent() ? e.problem() : e.getMessage();
        return html(400, Templates.audit(page(), new View(filters.values(), field, message, List.of(), false, null,
                query(filters.values(), Optional.empty()), types())));
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(PortalErrorPages.HTML).entity(page).build();
    }

    private PortalPage page() {
        return PortalPage.of("Audit log", "audit", identity, gateway);
    }

    private static List<String> types() {
        return Arrays.stream(AuditEventType.values()).map(Enum::name).toList();
    }

    private static String query(Given filters, Optional<String> pageToken) {
        Map<String, String> parameters = filters.asMap();
        pageToken.ifPresent(t -> parameters.put("page", t));
        return parameters.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return PortalErrorPages.plain(e);
    }
}
