package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.resource.CachedContentCreate;
import dev.gemgate.application.resource.CachedContentDelete;
import dev.gemgate.application.resource.CachedContentGet;
import dev.gemgate.application.resource.CachedContentList;
import dev.gemgate.application.resource.CachedContentUpdate;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import io.quarkus.virtual.threads.VirtualThreads;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Gemini's {@code cachedContents} API for the caller's tenant, under {@code /v1beta} and {@code /v1} (the Java SDK 2.x
 * calls {@code /v1}): create, get, list, update (TTL or expiry) and delete, each the tenant's own caches only. Bodies
 * and answers are Google's JSON: the caches as Google described them, a list as
 * {@code {"cachedContents":[...],"nextPageToken":"..."}} ({@code {}} when empty), a delete as {@code {}}. Every policy
 * is the use cases'.
 */
@Path("/{version:v1|v1beta}/cachedContents")
@TenantSurface
public class GeminiCachedContentsResource {
    private final CachedContentCreate create;
    private final CachedContentGet get;
    private final CachedContentList list;
    private final CachedContentUpdate update;
    private final CachedContentDelete delete;
    private final ExecutorService virtualThreads;
    private final Clock clock;

    public GeminiCachedContentsResource(CachedContentCreate create, CachedContentGet get, CachedContentList list,
                                        CachedContentUpdate update, CachedContentDelete delete,
                                        @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        this.create = create;
        this.get = get;
        this.list = list;
        this.update = update;
        this.delete = delete;
        this.virtualThreads = virtualThreads;
        this.clock = clock;
    }

    /** The body is read on the event loop, then the use case runs on a virtual thread (as generateContent). */
    @POST
    public Uni<Response> create(@Context ContainerRequestContext context, byte[] body,
                                @HeaderParam(TenantRequests.END_USER_HEADER) String endUser) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        return TenantRequests.onVirtualThread(context, caller, virtualThreads, () -> {
            Map<String, Object> tree = GeminiJson.readObject(body);
            CachedContentCreate.Result result = create.execute(new CachedContentCreate.Command(
                    requestContext(context, caller, endUser), tree, GeminiJson.utf8Text(body)));
            return TenantRequests.withRateLimits(json(result.json()), result.rateLimits())
                    .header(CostHeader.NAME, CostHeader.usd(result.cost())).build();
        });
    }

    @GET
    @RunOnVirtualThread
    public Response list(@QueryParam("pageSize") String pageSize, @QueryParam("pageToken") String pageToken,
                         @Context ContainerRequestContext context) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        CachedContentList.Result result = list.execute(new CachedContentList.Query(
                requestContext(context, caller, null), parsePageSize(pageSize), Optional.ofNullable(pageToken)));
        StringBuilder reply = new StringBuilder("{");
        if (!result.cachedContents().isEmpty()) {
            reply.append("\"cachedContents\":[").append(String.join(",", result.cachedContents())).append(']');
        }
        result.nextPageToken().ifPresent(token -> reply.append(reply.length() > 1 ? "," : "")
                .append("\"nextPageToken\":").append(new String(GeminiJson.write(token), StandardCharsets.UTF_8)));
        reply.append('}');
        return free(TenantRequests.withRateLimits(json(reply.toString()), result.rateLimits()));
    }

    @GET
    @Path("{id}")
    @RunOnVirtualThread
    public Response get(@PathParam("id") String id, @Context ContainerRequestContext context) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        CachedContentGet.Result result = get.execute(new CachedContentGet.Command(
                requestContext(context, caller, null), id));
        return free(TenantRequests.withRateLimits(json(result.json()), result.rateLimits()));
    }

    @PATCH
    @Path("{id}")
    public Uni<Response> update(@PathParam("id") String id, @Context ContainerRequestContext context, byte[] body,
                                @HeaderParam(TenantRequests.END_USER_HEADER) String endUser) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        return TenantRequests.onVirtualThread(context, caller, virtualThreads, () -> {
            Map<String, Object> tree = GeminiJson.readObject(body);
            CachedContentUpdate.Result result = update.execute(new CachedContentUpdate.Command(
                    requestContext(context, caller, endUser), id, tree, GeminiJson.utf8Text(body)));
            return free(TenantRequests.withRateLimits(json(result.json()), result.rateLimits()));
        });
    }

    @DELETE
    @Path("{id}")
    @RunOnVirtualThread
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext context) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        CachedContentDelete.Result result = delete.execute(new CachedContentDelete.Command(
                requestContext(context, caller, null), id));
        return free(TenantRequests.withRateLimits(json("{}"), result.rateLimits()));
    }

    private RequestContext requestContext(ContainerRequestContext context, Caller caller, String endUser) {
        return TenantRequests.context(context, caller, TenantRequests.endUserHeader(endUser), clock);
    }

    /** Gemini's pageSize: a whole number; absent is the default (the use case applies default and cap). */
    private static Optional<Integer> parsePageSize(String pageSize) {
        if (pageSize == null || pageSize.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(pageSize.strip()));
        } catch (NumberFormatException e) {
            throw InvalidRequestException.forField("pageSize", "must be a whole number");
        }
    }

    /** Reads, changes and deletions of a cache cost nothing themselves (its storage is charged apart). */
    private static Response free(Response.ResponseBuilder response) {
        return response.header(CostHeader.NAME, CostHeader.usd(Money.ZERO)).build();
    }

    private static Response.ResponseBuilder json(String text) {
        return Response.ok(text, MediaType.APPLICATION_JSON_TYPE);
    }
}
