package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.RateLimitHeaders;
import dev.gemgate.adapter.web.TenantRequestLimits;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantRoute;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code chat/completions}, the OpenAI surface's busiest call, on a {@link TenantRoute}: under both of
 * {@link OpenAiChatResource}'s layouts, answered as it answers, by its own steps
 * ({@link OpenAiChatResource#complete}, {@link OpenAiChatResource#stream}). Whether the answer streams is in the body,
 * so the route streams too, onto the response itself ({@link TenantRoute#stream}) with the headers the REST layer
 * sends; a failure before the first event is an ordinary refusal in OpenAI's envelope.
 */
@Singleton
public class OpenAiChatRoute extends TenantRoute {
    private static final Logger LOG = Logger.getLogger(OpenAiChatRoute.class);
    private static final List<String> PATHS = List.of("/v1/chat/completions", "/v1beta/openai/chat/completions");

    private final GenerateContent generateContent;
    private final StreamGenerateContent streamGenerateContent;
    private final ImageUrls imageUrls;
    private final Clock clock;

    public OpenAiChatRoute(AuthenticateApiKey authenticate, GenerateContent generateContent,
                           StreamGenerateContent streamGenerateContent, OpenAiSettings settings,
                           TenantRequestLimits limits, IdGenerator ids,
                           @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        super(authenticate, limits, ids, virtualThreads, ApiSurface.OPENAI);
        this.generateContent = generateContent;
        this.streamGenerateContent = streamGenerateContent;
        this.imageUrls = ImageUrls.of(settings);
        this.clock = clock;
    }

    void install(@Observes Router router) {
        install(router, PATHS);
    }

    /** The path itself: each layout is a literal path of the REST layer. */
    @Override
    protected String template(String path) {
        return PATHS.contains(path) ? path : null;
    }

    @Override
    protected void serve(Call call, Caller caller, byte[] body) {
        OpenAiChatRequest chat = OpenAiChatRequest.read(body, imageUrls);
        RequestContext request = call.requestContext(caller,
                TenantRequests.endUser(chat.endUser(), call.request().getHeader(TenantRequests.END_USER_HEADER)), clock);
        String id = OpenAiChatResource.completionId(call.requestId());
        long created = clock.instant().getEpochSecond();
        String cacheControl = call.request().getHeader(HttpHeaders.CACHE_CONTROL);
        if (!chat.stream()) {
            OpenAiChatResource.Completion completion = OpenAiChatResource.complete(generateContent, chat, request, id,
                    created, cacheControl);
            Map<String, String> headers = new LinkedHashMap<>(completion.headers());
            headers.putAll(RateLimitHeaders.of(completion.rateLimits()));
            answer(call, headers, completion.body());
            return;
        }
        stream(call, (emitter, cancellation, rateLimits, headers) -> OpenAiChatResource.stream(streamGenerateContent,
                chat, request, id, created, emitter, cancellation, rateLimits, headers, call.response(), cacheControl));
    }

    /** As the REST layer's exception mappers answer a refusal on the OpenAI surface. */
    @Override
    protected Refusal refusal(RuntimeException failure, RequestId requestId) {
        OpenAiError error = switch (failure) {
            case OpenAiRequestException shape -> shape.error();
            case DomainException domain -> OpenAiError.of(domain);
            default -> {
                LOG.errorf(failure, "unexpected failure");
                yield OpenAiError.internal();
            }
        };
        return new Refusal(error.httpStatus(), error.retryAfterSeconds(), GeminiJson.write(error.envelope()));
    }
}
