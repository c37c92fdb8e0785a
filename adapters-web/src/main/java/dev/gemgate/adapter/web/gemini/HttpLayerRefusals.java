package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.openai.OpenAiError;
import dev.gemgate.adapter.web.openai.OpenAiErrors;
import dev.gemgate.domain.common.IdGenerator;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/**
 * Refusals the HTTP layer would otherwise answer in its own format, answered in Gemini's envelope instead, before
 * routing: an HTTP/1.x request without {@code Host} (Vert.x fails on it deep inside, with a stack trace in the body and
 * an ERROR in the log) and a declared body larger than the server reads at all ({@code quarkus.http.limits
 * .max-body-size}; Quarkus's own answer is a bare 413). Malformed request lines and oversized headers (400, 414, 431)
 * are refused by Vert.x's HTTP decoder before any handler runs and keep its plain answers.
 */
@ApplicationScoped
public class HttpLayerRefusals {
    private final IdGenerator ids;
    private final long maxBodyBytes;

    public HttpLayerRefusals(IdGenerator ids,
                             @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                             MemorySize maxBodySize) {
        this.ids = ids;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check).failureHandler(this::hostMissing);
    }

    /** Vert.x may fail a Host-less request while routing it, before any handler of ours: answer it here. */
    private void hostMissing(RoutingContext context) {
        var request = context.request();
        if (request.version() != HttpVersion.HTTP_2 && request.headers().get(HttpHeaders.HOST) == null
                && !context.response().ended()) {
            refuse(context, GeminiError.simple(400, "INVALID_ARGUMENT",
                    "The Host header is required for HTTP/1.x requests."));
            return;
        }
        context.next();
    }

    private void check(RoutingContext context) {
        var request = context.request();
        if (request.version() != HttpVersion.HTTP_2 && request.headers().get(HttpHeaders.HOST) == null) {
            refuse(context, GeminiError.simple(400, "INVALID_ARGUMENT",
                    "The Host header is required for HTTP/1.x requests."));
            return;
        }
        String length = request.headers().get(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > maxBodyBytes) {
            refuse(context, GeminiError.simple(413, "INVALID_ARGUMENT", "Request payload size exceeds the limit: "
                    + length + " bytes, the server reads at most " + maxBodyBytes + " bytes."));
            return;
        }
        context.next();
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1; // the HTTP decoder refuses a malformed Content-Length before us
        }
    }

    /** In the envelope of the surface the path belongs to: OpenAI's under its paths, Gemini's everywhere else. */
    private void refuse(RoutingContext context, GeminiError error) {
        Map<String, Object> envelope = OpenAiErrors.covers(context.request().path(), null)
                ? OpenAiError.simple(error.httpStatus(), error.message(), OpenAiError.INVALID_REQUEST,
                        error.httpStatus() == 413 ? "request_too_large" : "invalid_value").envelope()
                : error.envelope(ids.newRequestId());
        context.response().setStatusCode(error.httpStatus())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(io.vertx.core.buffer.Buffer.buffer(GeminiJson.write(envelope)));
        context.request().connection().close();
    }
}
