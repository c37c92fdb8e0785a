package dev.gemgate.adapter.web.admin;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.application.dashboard.ReadDashboard;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.usage.FleetFigures;
import dev.gemgate.domain.usage.UsageFigures;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's dashboard on the admin API ({@link ReadDashboard}), for admins and viewers: today's and this month's
 * figures (UTC days), the top tenants by spend this month, the upstream pool's health on the replica that answers,
 * and whether the upstream is the emulator. A read: not audited.
 */
@Path("/admin/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Dashboard")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminDashboardResource {
    private final ReadDashboard readDashboard;

    public AdminDashboardResource(ReadDashboard readDashboard) {
        this.readDashboard = readDashboard;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "Requests, errors, latency, tokens, spend and cache savings today and this month (UTC), "
            + "top tenants by spend, upstream health, emulator or not")
    @APIResponse(responseCode = "200", description = "Money as decimal strings of US dollars, rates from 0 to 1, "
            + "latencies in milliseconds (null without requests)")
    public Map<String, Object> dashboard() {
        return of(readDashboard.execute());
    }

    static Map<String, Object> of(ReadDashboard.Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", result.at().toString());
        json.put("zone", "UTC");
        json.put("today", period(result.today()));
        json.put("month", period(result.month()));
        json.put("topTenants", result.topTenants().stream().map(t -> {
            Map<String, Object> tenant = new LinkedHashMap<>();
            tenant.put("tenantId", t.tenant().toString());
            tenant.put("name", t.name().orElse(null));
            tenant.put("requests", t.requests());
            tenant.put("costUsd", CostHeader.usd(t.cost()));
            return tenant;
        }).toList());
        Map<String, Object> upstream = new LinkedHashMap<>();
        upstream.put("description", result.gateway().upstreamDescription());
        upstream.put("emulated", result.gateway().upstreamEmulated());
        upstream.put("canServe", result.upstream().canServe());
        upstream.put("credentials", result.upstream().credentials().stream()
                .map(AdminUpstreamCredentialsResource.HealthView::of).toList());
        json.put("upstream", upstream);
        return json;
    }

    private static Map<String, Object> period(ReadDashboard.Period period) {
        FleetFigures f = period.figures();
        UsageFigures u = f.usage();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", period.from().toString());
        json.put("to", period.to().toString());
        json.put("requests", u.requests());
        json.put("errors", f.errors());
        json.put("errorRate", f.errorRate());
        json.put("latencyP50Ms", millis(f.latencyP50()));
        json.put("latencyP99Ms", millis(f.latencyP99()));
        json.put("promptTokens", u.promptTokens());
        json.put("outputTokens", u.outputTokens());
        json.put("thinkingTokens", u.thinkingTokens());
        json.put("cachedTokens", u.cachedTokens());
        json.put("costUsd", CostHeader.usd(u.cost()));
        json.put("cacheHits", u.cacheHits());
        json.put("cacheHitRate", f.cacheHitRate());
        json.put("savedUsd", CostHeader.usd(u.saved()));
        return json;
    }

    private static BigDecimal millis(Optional<Duration> latency) {
        return latency.map(d -> BigDecimal.valueOf(d.toNanos() / 1_000, 3)).orElse(null);
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
