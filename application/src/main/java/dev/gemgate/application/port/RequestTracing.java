package dev.gemgate.application.port;

import dev.gemgate.application.request.RequestContext;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.util.Optional;

/**
 * Port: distributed tracing of the request path. A request's own span (the one the HTTP server opened for it) learns
 * whose request it is and how it ended; each upstream attempt gets a child span of it. Only ids, model names, token
 * counts, outcomes and the like go into spans: never a prompt, an answer or a secret. {@link #NONE} traces nothing and
 * costs a virtual call per step, which is what a gateway without a tracing endpoint runs.
 */
public interface RequestTracing {
    RequestTracing NONE = (context, type, model) -> RequestSpan.NONE;

    /**
     * The request of {@code context} was opened for {@code type} ({@code model}: the model asked for, or the API lane
     * of a call that names none). Called on the thread serving the request, whose current span is the request's.
     */
    RequestSpan opened(RequestContext context, AuditEventType type, ModelId model);

    /** The span of one request: enriched once at its end, and the parent of its upstream attempts. */
    interface RequestSpan {
        RequestSpan NONE = new RequestSpan() {
            @Override
            public UpstreamAttempt attempt(ModelId model, UpstreamCredential credential, int number) {
                return UpstreamAttempt.NONE;
            }

            @Override
            public void closed(Outcome outcome, Optional<ModelId> servedModel, Usage usage, Money cost) {
            }
        };

        /** Attempt {@code number} (1 for the first) at the upstream for {@code model} with {@code credential}. */
        UpstreamAttempt attempt(ModelId model, UpstreamCredential credential, int number);

        /** The request ended with {@code outcome}, served by {@code servedModel}, having used {@code usage}. */
        void closed(Outcome outcome, Optional<ModelId> servedModel, Usage usage, Money cost);
    }

    /** The span of one upstream attempt: ended exactly once, by one of its methods. */
    interface UpstreamAttempt {
        UpstreamAttempt NONE = new UpstreamAttempt() {
            @Override
            public void answered(Optional<GenerationResponse> response) {
            }

            @Override
            public void failed(RuntimeException failure) {
            }
        };

        /**
         * The upstream answered; {@code response} when it was a whole generation (its model, usage and finish reason
         * are traced; a stream's usage reaches the request's span when it is settled).
         */
        void answered(Optional<GenerationResponse> response);

        /** The attempt failed with {@code failure} (an {@code UpstreamException} says its kind and HTTP status). */
        void failed(RuntimeException failure);
    }
}
