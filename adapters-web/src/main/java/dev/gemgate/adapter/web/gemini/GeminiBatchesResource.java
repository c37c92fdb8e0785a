package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.resource.BatchCancel;
import dev.gemgate.application.resource.BatchCreate;
import dev.gemgate.application.resource.BatchDelete;
import dev.gemgate.application.resource.BatchGet;
import dev.gemgate.application.resource.BatchList;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.tenant.ApiSurface;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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
import java.util.Optional;

/**
 * Google's Batch API through Gemgate, under {@code /v1beta/} and {@code /v1/}: {@code GET batches}, {@code GET
 * batches/{id}}, {@code POST batches/{id}:cancel}, {@code DELETE batches/{id}}, and the creation
 * ({@code models/{m}:batchGenerateContent} and {@code :asyncBatchEmbedContent}, routed here by {@link GeminiResource}).
 * Answers are Google's: the Operation as the upstream wrote it, {@code {"operations":[...],"nextPageToken":...}} from
 * the store ({@code {}} when there are none, as Google), {@code {}} for cancel and delete. Another tenant's, a deleted
 * and an unknown job are all 404 NOT_FOUND "Requested entity was not found." before any upstream call. A key scoped
 * to surfaces needs {@code BATCH}.
 */
@Path("/{version:v1|v1beta}/batches")
@TenantSurface(ApiSurface.BATCH)
public class GeminiBatchesResource {
    private final BatchCreate create;
    private final BatchGet get;
    private final BatchList list;
    private final BatchCancel cancel;
    private final BatchDelete delete;
    private final Clock clock;

    public GeminiBatchesResource(BatchCreate create, BatchGet get, BatchList list, BatchCancel cancel,
                                 BatchDelete delete, Clock clock) {
        this.create = create;
        this.get = get;
        this.list = list;
        this.cancel = cancel;
        this.delete = delete;
        this.clock = clock;
    }

    /** {@code models/{model}:batchGenerateContent} or {@code :asyncBatchEmbedContent}, on a virtual thread. */
    Response create(RequestContext context, ModelId model, String action, byte[] body) {
        BatchesPort.Method method = action.equals("asyncBatchEmbedContent")
                ? BatchesPort.Method.ASYNC_BATCH_EMBED_CONTENT : BatchesPort.Method.BATCH_GENERATE_CONTENT;
        BatchCreate.Result result = create.execute(new BatchCreate.Command(context, model, method,
                GeminiJson.readObject(body), new String(body, StandardCharsets.UTF_8)));
        return json(text(result.operation().json()), result.rateLimits());
    }

    @GET
    @RunOnVirtualThread
    public Response list(@QueryParam("pageSize") String pageSize, @QueryParam("pageToken") String pageToken,
                         @Context ContainerRequestContext request) {
        BatchList.Result result = list.execute(new BatchList.Query(context(request, null), parsePageSize(pageSize),
                Optional.ofNullable(pageToken)));
        if (result.operations().isEmpty() && result.nextPageToken().isEmpty()) {
            return json("{}", result.rateLimits());
        }
        StringBuilder page = new StringBuilder("{\"operations\":[")
                .append(String.join(",", result.operations())).append(']');
        result.nextPageToken().ifPresent(t -> page.append(",\"nextPageToken\":").append(text(t)));
        return json(page.append('}').toString(), result.rateLimits());
    }

    @GET
    @Path("{id}")
    @RunOnVirtualThread
    public Response get(@PathParam("id") String id, @Context ContainerRequestContext request,
                        @HeaderParam(TenantRequests.END_USER_HEADER) String endUser) {
        BatchGet.Result result = get.execute(new BatchGet.Query(context(request, endUser), "batches/" + id));
        return json(text(result.operation().json()), result.rateLimits());
    }

    @POST
    @Path("{target}")
    @RunOnVirtualThread
    public Response cancel(@PathParam("target") String target, @Context ContainerRequestContext request,
                           @HeaderParam(TenantRequests.END_USER_HEADER) String endUser) {
        if (!target.endsWith(":cancel")) {
            throw new NotFoundException("Unknown method on batches: use POST batches/{id}:cancel.");
        }
        String id = target.substring(0, target.length() - ":cancel".length());
        return json("{}", cancel.execute(new BatchCancel.Command(context(request, endUser), "batches/" + id)));
    }

    @DELETE
    @Path("{id}")
    @RunOnVirtualThread
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext request,
                           @HeaderParam(TenantRequests.END_USER_HEADER) String endUser) {
        return json("{}", delete.execute(new BatchDelete.Command(context(request, endUser), "batches/" + id)));
    }

    private RequestContext context(ContainerRequestContext request, String endUser) {
        Caller caller = TenantAuthenticationFilter.callerOf(request);
        return TenantRequests.context(request, caller, TenantRequests.endUserHeader(endUser), clock);
    }

    private static Optional<Integer> parsePageSize(String pageSize) {
        if (pageSize == null || pageSize.isEmpty()) {
            return Optional.empty();
        }
        try {
            int size = Integer.parseInt(pageSize.strip());
            if (size >= 0) {
                return Optional.of(size);
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new InvalidRequestException("pageSize must be a whole number of 0 or more.");
    }

    private static String text(Object tree) {
        return new String(GeminiJson.write(tree), StandardCharsets.UTF_8);
    }

    private static Response json(String body, RateLimitStatus rateLimits) {
        return TenantRequests.withRateLimits(Response.ok(body, MediaType.APPLICATION_JSON_TYPE), rateLimits).build();
    }
}
