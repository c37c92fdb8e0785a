package dev.gemgate.adminui.portal;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.tenant.ApiKeyView;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.usage.ReadUsage;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.usage.UsageFigures;
import dev.gemgate.domain.usage.UsageGrouping;
import dev.gemgate.domain.usage.UsageReport;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's usage and cost in the portal ({@code /admin/ui/tenant/usage?id=&group=day|model|key|endUser&from=&to=}):
 * {@link ReadUsage}'s report, the same as the admin API's, as a table (requests, tokens by class, cost in US dollars,
 * response-cache hits and savings) and as charts drawn from that table by {@code assets/usage-charts.js} with Chart.js
 * (a progressive enhancement: without JavaScript the table is the page). By day every day of the range has its row,
 * zeros included ({@link UsageReport#withEveryDay()}). A read: viewers and admins alike.
 */
@Path(PortalSessionMechanism.PORTAL + "/tenant/usage")
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalTenantUsage {
    public static final String PAGE = PortalSessionMechanism.PORTAL + "/tenant/usage";
    /** The groupings offered, in the order of the select, with what they read. */
    static final Map<String, String> GROUPS = groups();

    /** One row of the report as the page shows it, with the raw figures the charts read. */
    public record Row(String group, long requests, long promptTokens, long outputTokens, long thinkingTokens,
                      long cachedTokens, String cost, String costDollars, long cacheHits, String saved) {
        static Row of(String group, UsageFigures f) {
            return new Row(group, f.requests(), f.promptTokens(), f.outputTokens(), f.thinkingTokens(),
                    f.cachedTokens(), PortalFigures.usd(f.cost()), PortalFigures.plainDollars(f.cost()),
                    f.cacheHits(), PortalFigures.usd(f.saved()));
        }

        public String count(long value) {
            return PortalFigures.count(value);
        }
    }

    /** The page: the query as applied, the rows and the total (none when the query was refused). */
    public record View(Tenant tenant, String group, String groupLabel, String from, String to, List<Row> rows,
                       Row total, boolean truncated, PortalFormState form, Map<String, String> groups,
                       String chartJs) {
        public boolean hasReport() {
            return total != null;
        }

        public boolean byDay() {
            return group.equals("day");
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance usage(PortalPage page, View view);
    }

    private final GetTenant getTenant;
    private final ListApiKeys listApiKeys;
    private final ReadUsage readUsage;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalTenantUsage(GetTenant getTenant, ListApiKeys listApiKeys, ReadUsage readUsage,
                             SecurityIdentity identity, GatewayInfo gateway) {
        this.getTenant = getTenant;
        this.listApiKeys = listApiKeys;
        this.readUsage = readUsage;
        this.identity = identity;
        this.gateway = gateway;
    }

    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response page(@QueryParam("id") String id, @QueryParam("group") String group,
                         @QueryParam("from") String from, @QueryParam("to") String to) {
        TenantId tenantId = PortalTenantLimits.tenantId(id);
        Tenant tenant = getTenant.execute(new GetTenant.Query(tenantId));
        String groupBy = group == null || group.isBlank() ? "day" : group.strip();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("group", groupBy);
        values.put("from", from == null ? "" : from.strip());
        values.put("to", to == null ? "" : to.strip());
        try {
            UsageReport report = readUsage.execute(new ReadUsage.Query(tenantId, from, to, groupBy, null));
            Map<String, String> keyNames = new LinkedHashMap<>();
            if (report.selection().groupBy() == UsageGrouping.API_KEY) {
                for (ApiKeyView key : listApiKeys.execute(new ListApiKeys.Query(tenantId))) {
                    keyNames.put(key.id().toString(), key.label() + " (" + key.prefix() + "…)");
                }
            }
            List<Row> rows = report.rows().stream().map(r -> Row.of(groupName(report, r, keyNames), r.figures()))
                    .toList();
            values.put("from", report.selection().from().toString());
            values.put("to", report.selection().to().toString());
            return Response.ok(Templates.usage(page(tenant), new View(tenant, groupBy, GROUPS.get(groupBy),
                    values.get("from"), values.get("to"), rows, Row.of("Total", report.total()), report.truncated(),
                    new PortalFormState(values, Map.of()), GROUPS, PortalAssets.CHART_JS))).build();
        } catch (InvalidRequestException e) {
            String field = e.field().map(f -> f.equals("groupBy") ? "group" : f).filter(values::containsKey)
                    .orElse("from");
            return Response.status(400).entity(Templates.usage(page(tenant), new View(tenant,
                    GROUPS.containsKey(groupBy) ? groupBy : "day", GROUPS.getOrDefault(groupBy, "Day"),
                    values.get("from"), values.get("to"), List.of(), null, false,
                    new PortalFormState(values, Map.of(field, e.field().isPresent() ? e.problem() : e.getMessage())),
                    GROUPS, PortalAssets.CHART_JS))).build();
        }
    }

    private static String groupName(UsageReport report, UsageReport.Row row, Map<String, String> keyNames) {
        if (row.group().isEmpty()) {
            return report.selection().groupBy() == UsageGrouping.END_USER ? "(no end user)" : "(none)";
        }
        String group = row.group().get();
        return keyNames.getOrDefault(group, group);
    }

    private PortalPage page(Tenant tenant) {
        return PortalPage.of("Usage and cost · " + tenant.displayName(), "tenants", identity, gateway);
    }

    private static Map<String, String> groups() {
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("day", "Day");
        groups.put("model", "Model");
        groups.put("key", "API key");
        groups.put("endUser", "End user");
        return groups;
    }

    /** A missing tenant: a plain page with the reason, never a 500. */
    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return PortalErrorPages.plain(e);
    }
}
