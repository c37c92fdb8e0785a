package dev.gemgate.app.tracing;

import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link RequestTracing} on the OpenTelemetry API. The request's span is the HTTP server span Quarkus opened (current
 * on the thread that opens the ticket): it gets the tenant, the request ids, the operation and the models, and at the
 * end the outcome, the usage and the cost. Each upstream attempt is a CLIENT child span named as the GenAI semantic
 * conventions say ({@code "generate_content gemini-2.5-flash"}), with the attempt number, the credential's id (never its
 * secret), the model asked and the model that answered, the tokens, the finish reasons and the outcome. Nothing from
 * a prompt or an answer, and no error message (Google's may quote the request), goes into a span.
 *
 * <p>Attribute names follow the OpenTelemetry GenAI semantic conventions (1.37): {@code gen_ai.provider.name} is
 * {@code gcp.gemini} (Gemini Developer API) or {@code gcp.vertex_ai}; {@code gen_ai.system}, which it replaced, is set
 * to the same value for backends on the older conventions.
 */
public final class OpenTelemetryRequestTracing implements RequestTracing {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey(
            "gen_ai.response.finish_reasons");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("gemgate.tenant.id");
    static final AttributeKey<String> API_KEY = AttributeKey.stringKey("gemgate.api_key.id");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gemgate.request.id");
    static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("gemgate.correlation.id");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("gemgate.outcome");
    static final AttributeKey<Long> COST_MICROS = AttributeKey.longKey("gemgate.cost.micro_usd");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("gemgate.upstream.attempt");
    static final AttributeKey<String> CREDENTIAL = AttributeKey.stringKey("gemgate.upstream.credential.id");

    private final Tracer tracer;

    public OpenTelemetryRequestTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public RequestSpan opened(RequestContext context, AuditEventType type, ModelId model) {
        Context parent = Context.current();
        Span server = Span.fromContext(parent);
        String operation = operation(type);
        if (server.isRecording()) {
            server.setAttribute(TENANT, context.caller().tenant().toString());
            server.setAttribute(API_KEY, context.caller().apiKey().toString());
            server.setAttribute(REQUEST_ID, context.requestId().value());
            context.correlationId().ifPresent(id -> server.setAttribute(CORRELATION_ID, id));
            server.setAttribute(OPERATION, operation);
            server.setAttribute(REQUEST_MODEL, model.toString());
        }
        return new Request(parent, server, context, operation);
    }

    /** The operation names of the GenAI conventions where one fits, else Gemgate's own (lower case). */
    static String operation(AuditEventType type) {
        return switch (type) {
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> "generate_content";
            case EMBED_CONTENT -> "embeddings";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    static String provider(UpstreamCredential credential) {
        return credential.mode() == UpstreamCredential.Mode.VERTEX_AI ? "gcp.vertex_ai" : "gcp.gemini";
    }

    private final class Request implements RequestSpan {
        private final Context parent;
        private final Span server;
        private final RequestContext context;
        private final String operation;

        Request(Context parent, Span server, RequestContext context, String operation) {
            this.parent = parent;
            this.server = server;
            this.context = context;
            this.operation = operation;
        }

        @Override
        public UpstreamAttempt attempt(ModelId model, UpstreamCredential credential, int number) {
            String provider = provider(credential);
            Span span = tracer.spanBuilder(operation + " " + model).setParent(parent).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(OPERATION, operation)
                    .setAttribute(PROVIDER, provider)
                    .setAttribute(SYSTEM, provider)
                    .setAttribute(REQUEST_MODEL, model.toString())
                    .setAttribute(ATTEMPT, (long) number)
                    .setAttribute(CREDENTIAL, credential.id().toString())
                    .setAttribute(TENANT, context.caller().tenant().toString())
                    .setAttribute(REQUEST_ID, context.requestId().value())
                    .startSpan();
            if (server.isRecording()) {
                server.setAttribute(PROVIDER, provider);
                server.setAttribute(SYSTEM, provider);
            }
            return new Attempt(span, server);
        }

        @Override
        public void closed(Outcome outcome, Optional<ModelId> servedModel, Usage usage, Money cost) {
            if (!server.isRecording()) {
                return;
            }
            server.setAttribute(OUTCOME, outcome.name());
            servedModel.ifPresent(m -> server.setAttribute(RESPONSE_MODEL, m.toString()));
            server.setAttribute(INPUT_TOKENS, usage.promptTokens());
            server.setAttribute(OUTPUT_TOKENS, usage.outputTokens());
            server.setAttribute(COST_MICROS, cost.micros());
        }
    }

    private static final class Attempt implements UpstreamAttempt {
        private final Span span;
        private final Span server;

        Attempt(Span span, Span server) {
            this.span = span;
            this.server = server;
        }

        @Override
        public void answered(Optional<GenerationResponse> response) {
            span.setAttribute(OUTCOME, "SUCCESS");
            response.ifPresent(r -> {
                span.setAttribute(RESPONSE_MODEL, r.servedModel().toString());
                span.setAttribute(INPUT_TOKENS, r.usage().promptTokens());
                span.setAttribute(OUTPUT_TOKENS, r.usage().outputTokens());
                r.finishReason().ifPresent(reason -> {
                    span.setAttribute(FINISH_REASONS, List.of(reason));
                    if (server.isRecording()) {
                        server.setAttribute(FINISH_REASONS, List.of(reason));
                    }
                });
            });
            span.end();
        }

        @Override
        public void failed(RuntimeException failure) {
            String type = failure instanceof UpstreamException u ? u.kind().name() : failure.getClass().getSimpleName();
            span.setAttribute(OUTCOME, type);
            span.setAttribute(ERROR_TYPE, type.toLowerCase(Locale.ROOT));
            if (failure instanceof UpstreamException u && u.upstreamStatus() > 0) {
                span.setAttribute(HTTP_STATUS, (long) u.upstreamStatus());
            }
            // the kind only: an upstream error message may quote the request
            span.setStatus(StatusCode.ERROR, type);
            span.end();
        }
    }
}
