package dev.gemgate.adapter.web.usage;

import dev.gemgate.adapter.web.RateLimitHeaders;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.usage.ReadOwnUsage;
import dev.gemgate.domain.tenant.ApiSurface;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;


/**
 * {@code GET /gemgate/v1/usage}: the calling tenant's own usage and cost, with one of its API keys, presented as the
 * Gemini surface takes them ({@code x-goog-api-key}, {@code ?key=}, {@code Authorization: Bearer}). The caller's tenant
 * is the only one it can see. A key restricted to surfaces needs {@code USAGE} among them. Each report counts as one
 * request against the caller's request limits. Errors are Gemini's envelope ({@code TenantExceptionMappers}).
 */
@Path("/gemgate/v1/usage")
@TenantSurface(ApiSurface.USAGE)
@Produces(MediaType.APPLICATION_JSON)
public class TenantUsageResource {
    private final ReadOwnUsage readOwnUsage;

    public TenantUsageResource(ReadOwnUsage readOwnUsage) {
        this.readOwnUsage = readOwnUsage;
    }

    /** One request against the caller's request limits (429 in Gemini's envelope when over), with the x-ratelimit headers. */
    @GET
    @RunOnVirtualThread
    public Response usage(@QueryParam("from") String from, @QueryParam("to") String to,
                          @QueryParam("groupBy") String groupBy, @QueryParam("zone") String zone,
                          @Context ContainerRequestContext context) {
        ReadOwnUsage.Result result = readOwnUsage.execute(new ReadOwnUsage.Query(
                TenantAuthenticationFilter.callerOf(context), from, to, groupBy, zone));
        Response.ResponseBuilder response = Response.ok(UsageJson.of(result.report()));
        RateLimitHeaders.of(result.rateLimits()).forEach(response::header);
        return response.build();
    }
}
