package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.RateLimitHeaders;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.application.generation.GetModel;
import dev.gemgate.application.generation.ListModels;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.tenant.ApiSurface;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * OpenAI's {@code GET /models} and {@code GET /models/{model}} under {@code /v1beta/openai/}, from the same
 * {@link ListModels} and {@link GetModel} use cases as the Gemini surface (same scope filtering, same request limits),
 * written as OpenAI's model objects ({@link OpenAiModelsJson}). {@code /v1/models} is Gemini's path too: a request to
 * it that authenticates with {@code Authorization: Bearer} only is routed here by {@link OpenAiModelsRouting}.
 */
@Path(OpenAiModelsResource.PATH)
@TenantSurface(ApiSurface.OPENAI)
public class OpenAiModelsResource {
    /** Google's own layout of its OpenAI-compatible models endpoint. */
    public static final String PATH = "/v1beta/openai/models";

    private final ListModels listModels;
    private final GetModel getModel;

    public OpenAiModelsResource(ListModels listModels, GetModel getModel) {
        this.listModels = listModels;
        this.getModel = getModel;
    }

    @GET
    @RunOnVirtualThread
    public Response list(@Context ContainerRequestContext context) {
        ListModels.Result result = listModels.execute(new ListModels.Query(
                TenantAuthenticationFilter.callerOf(context)));
        return json(OpenAiModelsJson.list(result.models()), result.rateLimits());
    }

    /** The model as {@code gemini-2.5-flash}, {@code models/gemini-2.5-flash} or {@code models%2Fgemini-2.5-flash}. */
    @GET
    @Path("{model: .+}")
    @RunOnVirtualThread
    public Response get(@PathParam("model") String model, @Context ContainerRequestContext context) {
        GetModel.Result result = getModel.execute(new GetModel.Query(TenantAuthenticationFilter.callerOf(context),
                OpenAiModelsJson.modelId(model)));
        return json(OpenAiModelsJson.model(result.model()), result.rateLimits());
    }

    private static Response json(Object tree, RateLimitStatus rateLimits) {
        Response.ResponseBuilder response = Response.ok(GeminiJson.write(tree), MediaType.APPLICATION_JSON_TYPE);
        RateLimitHeaders.of(rateLimits).forEach(response::header);
        return response.build();
    }
}
