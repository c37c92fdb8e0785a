package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.GenerationStreams;
import dev.gemgate.adapter.web.RateLimitHeaders;
import dev.gemgate.adapter.web.StreamEmitter;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.generation.CountTokens;
import dev.gemgate.application.generation.EmbedContent;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.GetModel;
import dev.gemgate.application.generation.ListModels;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.quarkus.virtual.threads.VirtualThreads;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAllowedException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Gemini-native tenant surface, under {@code /v1beta} here and under {@code /v1} (the Java SDK 2.x calls
 * {@code /v1}) through {@link GeminiV1Resource}, the same resource at its own literal path.
 * It authenticates, translates JSON to domain requests and back, and leaves every policy to the use cases. Blocking
 * code on virtual threads: the upstream SDK blocks, and a virtual thread per in-flight call costs almost nothing.
 *
 * <p>Why two literal paths rather than one {@code /{version:v1|v1beta}/models}: a class path with a regex makes the
 * request mapper run that regex (and every other class template's) on every request, four times with Quarkus's
 * observability pre-match; issue 21's profile 2 measured it at about 7% of the CPU. A literal prefix is found by the
 * mapper's prefix table without a regex.
 */
@Path("/v1beta/models")
@TenantSurface
public class GeminiResource {
    public static final String END_USER_HEADER = TenantRequests.END_USER_HEADER;
    /** The model that answered: the one asked for, or the fallback that served when it could not. */
    public static final String SERVED_MODEL_HEADER = TenantRequests.SERVED_MODEL_HEADER;
    private static final int MAX_PAGE_SIZE = 1000;
    /** A stream's model in its path: right after the slash, no slash or colon in it, never backtracked. */
    static final String STREAM_MODEL = "(?<=/)[^/:]++";
    private static final Set<String> POST_METHODS = Set.of("generateContent", "streamGenerateContent", "countTokens",
            "embedContent", "batchEmbedContents", "batchGenerateContent", "asyncBatchEmbedContent");

    private final GenerateContent generateContent;
    private final StreamGenerateContent streamGenerateContent;
    private final EmbedContent embedContent;
    private final CountTokens countTokens;
    private final ListModels listModels;
    private final GetModel getModel;
    private final GeminiBatchesResource batches;
    private final ExecutorService virtualThreads;
    private final Clock clock;

    public GeminiResource(GenerateContent generateContent, StreamGenerateContent streamGenerateContent,
                          EmbedContent embedContent, CountTokens countTokens, ListModels listModels,
                          GetModel getModel, GeminiBatchesResource batches,
                          @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        this.batches = batches;
        this.virtualThreads = virtualThreads;
        this.clock = clock;
        this.generateContent = generateContent;
        this.streamGenerateContent = streamGenerateContent;
        this.embedContent = embedContent;
        this.countTokens = countTokens;
        this.listModels = listModels;
        this.getModel = getModel;
    }

    /**
     * Not annotated to run on a virtual thread, so that the (small) body is read on the event loop as it arrives; the
     * blocking work then hops once to a virtual thread. Reading the body from a virtual thread instead costs a
     * hand-off per chunk between the event loop and the virtual thread (about a fifth of the CPU at 64 connections).
     * The caller was authenticated from the headers before the body was read ({@link TenantAuthenticationFilter}).
     */
    @POST
    @Path("{target}")
    public Uni<Response> call(@PathParam("target") String target, @Context ContainerRequestContext context,
                              byte[] body, @HeaderParam(END_USER_HEADER) String endUser,
                              @HeaderParam("Cache-Control") String cacheControl) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        return TenantRequests.onVirtualThread(context, caller, virtualThreads,
                () -> handle(target, requestContext(context, caller, endUser), body, cacheControl));
    }

    private Response handle(String target, RequestContext context, byte[] body, String cacheControl) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new NotFoundException("Unknown method: use models/{model}:generateContent or :countTokens.");
        }
        String action = target.substring(colon + 1);
        ModelId model = parseModel(target.substring(0, colon));
        return switch (action) {
            case "generateContent" -> {
                GenerateReply reply = generate(generateContent, context, model, body, cacheControl);
                Response.ResponseBuilder response = Response.ok(reply.body(), MediaType.APPLICATION_JSON_TYPE);
                reply.headers().forEach(response::header);
                yield response.build();
            }
            case "countTokens" -> {
                CountTokens.Result result = countTokens.execute(new CountTokens.Command(context,
                        new GenerationRequest(model, countTokensBody(GeminiJson.readObject(body)))));
                yield withRateLimits(json(Map.of("totalTokens", result.totalTokens())), result.rateLimits())
                        .header(CostHeader.NAME, CostHeader.usd(Money.ZERO)) // free at Google, never charged
                        .build();
            }
            case "embedContent", "batchEmbedContents" -> {
                EmbeddingRequest.Method method = action.equals("embedContent")
                        ? EmbeddingRequest.Method.EMBED_CONTENT : EmbeddingRequest.Method.BATCH_EMBED_CONTENTS;
                EmbedContent.Result result = embedContent.execute(new EmbedContent.Command(context,
                        GeminiJson.readEmbeddingRequest(model, method, body)));
                yield withRateLimits(Response.ok(result.response().json(), MediaType.APPLICATION_JSON_TYPE),
                        result.rateLimits()).header(CostHeader.NAME, CostHeader.usd(result.cost())).build();
            }
            case "streamGenerateContent" -> throw new NotFoundException(
                    "Use POST models/{model}:streamGenerateContent with an unencoded colon.");
            case "batchGenerateContent", "asyncBatchEmbedContent" -> batches.create(context, model, action, body);
            default -> throw new NotFoundException("Unknown method '" + action + "' on models/" + model + ".");
        };
    }

    /**
     * {@code :streamGenerateContent}, as Server-Sent Events with {@code alt=sse} (what every SDK asks for) or as one
     * streamed JSON array without it. The body is read on the event loop; the use case runs on a virtual thread and
     * each chunk is written as soon as the upstream produced it ({@link GeminiStream}). Until the first chunk nothing
     * is committed, so a failure before it (a refused key scope, quota, budget, an upstream 429) is an ordinary
     * error response with its own status. A client that goes away cancels the upstream call.
     *
     * <p>The model's pattern is {@link #STREAM_MODEL}'s, not the default: a path parameter that is only part of a
     * segment becomes a regular expression that RESTEasy's request mapper tries on every POST under this path, a
     * generateContent's too, with {@code Matcher.find} from each position of the rest of the path. The default
     * {@code [^/]+?} backtracks through the whole name at each of them (issue 21's profile 6: 3% of a request's
     * CPU); anchored behind the slash and possessive, a path that is not a stream fails at once.
     */
    @POST
    @Path("{model: " + STREAM_MODEL + "}:streamGenerateContent")
    public Multi<byte[]> stream(@PathParam("model") String model, @QueryParam("alt") String alt,
                                @Context ContainerRequestContext context, @Context HttpServerResponse http,
                                byte[] body, @HeaderParam(END_USER_HEADER) String endUser,
                                @HeaderParam("Cache-Control") String cacheControl) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        boolean sse = "sse".equalsIgnoreCase(alt);
        if (alt != null && !sse && !alt.equalsIgnoreCase("json")) {
            throw new InvalidRequestException("alt must be sse or json.");
        }
        return GenerationStreams.start(context, caller, virtualThreads, (emitter, cancellation, rateLimits, headers) ->
                stream(streamGenerateContent, requestContext(context, caller, endUser), model, body, cacheControl, sse,
                        emitter, cancellation, rateLimits, headers, http));
    }

    /**
     * Runs streamGenerateContent for the model named in the path ({@code model}, unchecked), written onto
     * {@code emitter} as SSE events or one JSON array; the same on the REST path and on {@link GeminiStreamRoute}.
     */
    static void stream(StreamGenerateContent streamGenerateContent, RequestContext context, String model, byte[] body,
                       String cacheControl, boolean sse, StreamEmitter emitter, Cancellation cancellation,
                       AtomicReference<RateLimitStatus> rateLimits, Map<String, String> headers,
                       HttpServerResponse http) {
        GenerationStreams.streamHeaders(headers, sse ? "text/event-stream" : "application/json; charset=UTF-8");
        GeminiStream sink = new GeminiStream(emitter, sse, context.requestId(), rateLimits, headers, http);
        streamGenerateContent.execute(new StreamGenerateContent.Command(context,
                GeminiJson.readGenerationRequest(parseModel(model), body), cancellation,
                TenantRequests.cacheDirective(cacheControl)), sink);
    }

    @GET
    @RunOnVirtualThread
    public Response list(@QueryParam("pageSize") String pageSize, @QueryParam("pageToken") String pageToken,
                         @Context ContainerRequestContext context) {
        int size = parsePageSize(pageSize);
        ListModels.Result result = listModels.execute(new ListModels.Query(
                TenantAuthenticationFilter.callerOf(context)));
        List<ModelInfo> models = result.models();
        int offset = parsePageToken(pageToken, models.size());
        List<ModelInfo> page = models.subList(offset, Math.min(models.size(), offset + size));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("models", page.stream().map(GeminiResource::modelJson).toList());
        if (offset + page.size() < models.size()) {
            reply.put("nextPageToken", Integer.toString(offset + page.size()));
        }
        return withRateLimits(json(reply), result.rateLimits()).build();
    }

    @GET
    @Path("{model}")
    @RunOnVirtualThread
    public Response get(@PathParam("model") String model, @Context ContainerRequestContext context) {
        int colon = model.lastIndexOf(':');
        if (colon > 0 && POST_METHODS.contains(model.substring(colon + 1))) {
            throw new NotAllowedException(model.substring(colon + 1) + " takes POST, not GET.", "POST", new String[0]);
        }
        GetModel.Result result = getModel.execute(new GetModel.Query(TenantAuthenticationFilter.callerOf(context),
                parseModel(model)));
        return withRateLimits(json(modelJson(result.model())), result.rateLimits()).build();
    }

    /** A generateContent's answer: its body and headers, the same on the REST path and on {@link GeminiGenerateRoute}. */
    record GenerateReply(byte[] body, Map<String, String> headers) {
    }

    /** Runs generateContent for the model named in the path ({@code model}, unchecked) on a request's body. */
    static GenerateReply generate(GenerateContent generateContent, RequestContext context, String model, byte[] body,
                                  String cacheControl) {
        return generate(generateContent, context, parseModel(model), body, cacheControl);
    }

    private static GenerateReply generate(GenerateContent generateContent, RequestContext context, ModelId model,
                                          byte[] body, String cacheControl) {
        GenerateContent.Result result = generateContent.execute(new GenerateContent.Command(context,
                GeminiJson.readGenerationRequest(model, body), TenantRequests.cacheDirective(cacheControl)));
        Map<String, String> headers = new LinkedHashMap<>(RateLimitHeaders.of(result.rateLimits()));
        headers.put(CostHeader.NAME, CostHeader.usd(result.cost()));
        headers.put(TenantRequests.CACHE_HEADER, result.cacheStatus().name().toLowerCase());
        headers.put(SERVED_MODEL_HEADER, result.servedModel().value());
        return new GenerateReply(bytes(result.response()), headers);
    }

    private RequestContext requestContext(ContainerRequestContext context, Caller caller, String endUser) {
        return TenantRequests.context(context, caller, TenantRequests.endUserHeader(endUser), clock);
    }

    /** Gemini's pageSize: absent or 0 means the default; at most 1000; anything else is the caller's mistake. */
    private static int parsePageSize(String pageSize) {
        if (pageSize == null || pageSize.isEmpty()) {
            return MAX_PAGE_SIZE;
        }
        try {
            int size = Integer.parseInt(pageSize.strip());
            if (size >= 0) {
                return size == 0 ? MAX_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
            }
        } catch (NumberFormatException ignored) {
            // fall through to the refusal
        }
        throw new InvalidRequestException("pageSize must be a whole number from 0 to " + MAX_PAGE_SIZE + ".");
    }

    private static ModelId parseModel(String text) {
        if (!ModelId.isValid(text)) {
            throw new NotFoundException("models/" + text + " is not found: not a valid model name.");
        }
        return ModelId.parse(text);
    }

    /** countTokens takes {"contents":[...]} or {"generateContentRequest":{...}}. */
    private static Map<String, Object> countTokensBody(Map<String, Object> body) {
        Object inner = body.get("generateContentRequest");
        if (inner instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> request = (Map<String, Object>) m;
            return request;
        }
        if (inner != null) {
            throw new InvalidRequestException("generateContentRequest must be an object.");
        }
        return body;
    }

    private static int parsePageToken(String token, int total) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(token);
            if (offset >= 0 && offset <= total) {
                return offset;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the refusal
        }
        throw new InvalidRequestException("Invalid pageToken.");
    }

    /**
     * The upstream's model object as it came (fields Gemgate does not model, such as version, description, thinking,
     * temperature, topP and topK, pass through in the upstream's order), with the fields Gemgate reads set from them.
     */
    static Map<String, Object> modelJson(ModelInfo m) {
        Map<String, Object> json = new LinkedHashMap<>(m.upstreamFields());
        json.put("name", m.id().resourceName());
        json.put("displayName", m.displayName());
        json.put("inputTokenLimit", m.inputTokenLimit());
        json.put("outputTokenLimit", m.outputTokenLimit());
        json.put("supportedGenerationMethods", m.supportedGenerationMethods());
        return json;
    }

    private static Response.ResponseBuilder withRateLimits(Response.ResponseBuilder response, RateLimitStatus status) {
        return TenantRequests.withRateLimits(response, status);
    }

    private static Response.ResponseBuilder json(Object tree) {
        return Response.ok(GeminiJson.write(tree), MediaType.APPLICATION_JSON_TYPE);
    }

    /** A reply as Google sent it, byte for byte, when its text is at hand; else written from its tree. */
    private static byte[] bytes(GenerationResponse response) {
        return response.json().map(text -> text.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> GeminiJson.write(response.body()));
    }
}
