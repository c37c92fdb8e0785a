package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.adapter.web.GenerationStreams;
import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.adapter.web.StreamEmitter;
import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OpenAI's {@code POST chat/completions}, under Google's layout ({@code /v1beta/openai/}: a client already pointed at
 * Google's OpenAI layer changes only the host) and under a plain {@code /v1/}. The request is translated into the same
 * domain request the Gemini surface builds ({@link OpenAiChatRequest}) and served by the same use cases
 * ({@link GenerateContent}, {@link StreamGenerateContent}); the answer is translated back ({@link OpenAiChatResponse},
 * {@link OpenAiChatStream}). Keys count as the {@code OPENAI} surface for their scope; refusals are OpenAI-shaped
 * ({@link OpenAiErrors}).
 *
 * <p>Whether the answer streams is in the body, which is read on the event loop and parsed on a virtual thread; so both
 * answers are written as a {@link GenerationStreams} response: a whole {@code chat.completion} is its one item, with
 * its headers (cost, cache, served model, rate limits) set before it. Nothing is committed before that item, so every
 * refusal is an ordinary error response.
 */
@Path("/v1beta/openai/chat/completions")
@TenantSurface(ApiSurface.OPENAI)
public class OpenAiChatResource {
    private final GenerateContent generateContent;
    private final StreamGenerateContent streamGenerateContent;
    private final ImageUrls imageUrls;
    private final ExecutorService virtualThreads;
    private final Clock clock;

    public OpenAiChatResource(GenerateContent generateContent, StreamGenerateContent streamGenerateContent,
                              OpenAiSettings settings, @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        this.generateContent = generateContent;
        this.streamGenerateContent = streamGenerateContent;
        this.imageUrls = ImageUrls.of(settings);
        this.virtualThreads = virtualThreads;
        this.clock = clock;
    }

    @POST
    public Multi<byte[]> create(@Context ContainerRequestContext context, @Context HttpServerResponse http, byte[] body,
                                @HeaderParam(TenantRequests.END_USER_HEADER) String endUserHeader,
                                @HeaderParam("Cache-Control") String cacheControl) {
        Caller caller = TenantAuthenticationFilter.callerOf(context);
        String id = completionId(RequestIdFilter.of(context));
        return GenerationStreams.start(context, caller, virtualThreads, (emitter, cancellation, rateLimits, headers) -> {
            OpenAiChatRequest chat = OpenAiChatRequest.read(body, imageUrls);
            RequestContext request = TenantRequests.context(context, caller, TenantRequests.endUser(chat.endUser(), endUserHeader), clock);
            long created = clock.instant().getEpochSecond();
            if (chat.stream()) {
                stream(streamGenerateContent, chat, request, id, created, emitter, cancellation, rateLimits, headers,
                        http, cacheControl);
            } else {
                Completion completion = complete(generateContent, chat, request, id, created, cacheControl);
                rateLimits.set(completion.rateLimits());
                headers.put("Content-Type", "application/json");
                headers.putAll(completion.headers());
                if (emitter.emit(completion.body())) {
                    emitter.complete();
                }
            }
        });
    }

    /** A chat completion's id: OpenAI's prefix on the request's id. */
    static String completionId(RequestId requestId) {
        return "chatcmpl-" + requestId.value();
    }

    /** A whole {@code chat.completion}: its body, the headers it is sent with besides the content type, the standing. */
    record Completion(byte[] body, Map<String, String> headers, RateLimitStatus rateLimits) {
    }

    /** Serves a request that does not stream; shared with {@link OpenAiChatRoute}. */
    static Completion complete(GenerateContent generateContent, OpenAiChatRequest chat, RequestContext request,
                               String id, long created, String cacheControl) {
        GenerateContent.Result result = generateContent.execute(new GenerateContent.Command(request, chat.request(),
                TenantRequests.cacheDirective(cacheControl)));
        byte[] json = GeminiJson.write(OpenAiChatResponse.completion(result.response(), id, created));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CostHeader.NAME, CostHeader.usd(result.cost()));
        headers.put(TenantRequests.CACHE_HEADER, result.cacheStatus().name().toLowerCase());
        headers.put(TenantRequests.SERVED_MODEL_HEADER, result.servedModel().value());
        return new Completion(json, headers, result.rateLimits());
    }

    /** Serves a request that streams, onto {@code emitter}; shared with {@link OpenAiChatRoute}. */
    static void stream(StreamGenerateContent streamGenerateContent, OpenAiChatRequest chat, RequestContext request,
                       String id, long created, StreamEmitter emitter, Cancellation cancellation,
                       AtomicReference<RateLimitStatus> rateLimits, Map<String, String> headers,
                       HttpServerResponse http, String cacheControl) {
        GenerationStreams.streamHeaders(headers, "text/event-stream");
        OpenAiChatStream sink = new OpenAiChatStream(emitter, id, created, chat.request().model(), chat.includeUsage(),
                rateLimits, headers, http);
        streamGenerateContent.execute(new StreamGenerateContent.Command(request, chat.request(), cancellation,
                TenantRequests.cacheDirective(cacheControl)), sink);
    }
}
