package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.adapter.web.RateLimitHeaders;
import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.gemini.GeminiResource;
import dev.gemgate.application.generation.EmbedContent;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;

import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * OpenAI's {@code POST /embeddings} under {@code /v1beta/openai/} (Google's own layout) and {@code /v1/}: translated
 * into the {@code batchEmbedContents} request the Gemini surface sends ({@link OpenAiEmbeddingsJson}) and served by the
 * same {@link EmbedContent} use case, so quota, budget, pricing and audit are the Gemini surface's. A key's scope
 * counts the call as {@code EMBEDDINGS} ({@link TenantAuthenticationFilter}).
 */
@Path("/{base: v1beta/openai|v1}/embeddings")
@TenantSurface(ApiSurface.OPENAI)
public class OpenAiEmbeddingsResource {
    private final EmbedContent embedContent;
    private final ExecutorService virtualThreads;

    public OpenAiEmbeddingsResource(EmbedContent embedContent, @VirtualThreads ExecutorService virtualThreads) {
        this.embedContent = embedContent;
        this.virtualThreads = virtualThreads;
    }

    /** The (small) body is read on the event loop, then the call hops once to a virtual thread (as for Gemini). */
    @POST
    public Uni<Response> embed(@Context ContainerRequestContext context, byte[] body,
                               @HeaderParam(GeminiResource.END_USER_HEADER) String endUserHeader) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        String requestId = RequestIdFilter.of(context).value();
        return Uni.createFrom().item(() -> {
            MDC.put("requestId", requestId);
            MDC.put("tenantId", caller.tenant().toString());
            try {
                return handle(context, caller, body, endUserHeader);
            } finally {
                MDC.remove("requestId");
                MDC.remove("tenantId");
            }
        }).runSubscriptionOn(virtualThreads);
    }

    private Response handle(ContainerRequestContext context, Caller caller, byte[] body, String endUserHeader) {
        OpenAiEmbeddingsJson.Call call = OpenAiEmbeddingsJson.read(GeminiJson.readObject(body));
        RequestContext request = new RequestContext(caller, RequestIdFilter.of(context),
                RequestIdFilter.correlationOf(context), TenantRequests.endUser(call.user(), endUserHeader));
        EmbedContent.Result result = embedContent.execute(new EmbedContent.Command(request, call.toDomain()));
        List<double[]> vectors = OpenAiEmbeddingsJson.vectors(result.response().json(), call.inputs().size());
        Response.ResponseBuilder response = Response.ok(OpenAiEmbeddingsJson.write(call, vectors,
                result.inputTokens()), MediaType.APPLICATION_JSON_TYPE);
        RateLimitHeaders.of(result.rateLimits()).forEach(response::header);
        return response.header(CostHeader.NAME, CostHeader.usd(result.cost())).build();
    }
}
