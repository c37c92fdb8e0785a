package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.TenantRequestLimits;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantRoute;
import dev.gemgate.application.generation.GenerateContent;
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
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code :generateContent}, the busiest call of the Gemini surface, on a {@link TenantRoute}: the plain
 * {@code models/{model}:generateContent} request, answered as {@link GeminiResource} answers it
 * ({@link GeminiResource#generate}).
 */
@Singleton
public class GeminiGenerateRoute extends TenantRoute {
    private static final Logger LOG = Logger.getLogger(GeminiGenerateRoute.class);
    private static final String METHOD = ":generateContent";
    static final List<String> PREFIXES = List.of("/v1beta/models/", "/v1/models/");

    private final GenerateContent generateContent;
    private final Clock clock;

    public GeminiGenerateRoute(AuthenticateApiKey authenticate, GenerateContent generateContent,
                               TenantRequestLimits limits, IdGenerator ids,
                               @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        super(authenticate, limits, ids, virtualThreads, ApiSurface.GEMINI);
        this.generateContent = generateContent;
        this.clock = clock;
    }

    void install(@Observes Router router) {
        install(router, PREFIXES.stream().map(prefix -> prefix + "*").toList());
    }

    /** The template of a plain {@code models/{model}:generateContent} path, as the REST layer names it. */
    @Override
    protected String template(String path) {
        String prefix = prefix(path, METHOD);
        return prefix == null ? null : prefix + "{target}";
    }

    @Override
    protected void serve(Call call, Caller caller, byte[] body) {
        String target = call.path().substring(prefix(call.path(), METHOD).length());
        GeminiResource.GenerateReply reply = GeminiResource.generate(generateContent,
                call.requestContext(caller,
                        TenantRequests.endUserHeader(call.request().getHeader(TenantRequests.END_USER_HEADER)), clock),
                target.substring(0, target.length() - METHOD.length()), body,
                call.request().getHeader(HttpHeaders.CACHE_CONTROL));
        answer(call, reply.headers(), reply.body());
    }

    @Override
    protected Refusal refusal(RuntimeException failure, RequestId requestId) {
        return geminiRefusal(failure, requestId);
    }

    /** As the REST layer's exception mappers answer a refusal on the Gemini surface. */
    static Refusal geminiRefusal(RuntimeException failure, RequestId requestId) {
        GeminiError error;
        if (failure instanceof DomainException domain) {
            error = GeminiError.of(domain);
        } else {
            LOG.errorf(failure, "unexpected failure");
            error = GeminiError.internal();
        }
        return new Refusal(error.httpStatus(), error.retryAfterSeconds(),
                GeminiJson.write(error.envelope(requestId)));
    }

    /** The version prefix of a plain {@code models/{model}<method>} path, or null for anything else. */
    static String prefix(String path, String method) {
        if (!path.endsWith(method)) {
            return null;
        }
        for (String prefix : PREFIXES) {
            int end = path.length() - method.length();
            if (path.startsWith(prefix) && end > prefix.length() && path.indexOf('/', prefix.length()) < 0
                    && path.lastIndexOf(':', end - 1) < prefix.length()) { // the model is one segment, without a colon
                return prefix;
            }
        }
        return null;
    }
}
