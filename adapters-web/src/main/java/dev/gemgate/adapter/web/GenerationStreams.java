package dev.gemgate.adapter.web;

import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A response written item by item on any tenant surface: the use case runs on a virtual thread and writes through the
 * surface's writer (a {@code StreamGenerateContent.ChunkSink} on a {@link StreamEmitter}); a client that goes away
 * cancels the upstream call; a failure before the first item is an ordinary error response. The response carries the
 * request ids, the admission's {@code x-ratelimit-*} headers and whatever the surface put in its headers before the
 * first item, such as the served model ({@link StreamedResponse}); a stream announces its cost trailer
 * ({@link #costTrailer}).
 */
public final class GenerationStreams {

    /** What a surface does with a streamed response: read the request and run its use case, writing on the emitter. */
    public interface Surface {
        /**
         * Runs on the virtual thread. {@code rateLimits} and {@code headers} (content type included) are read when the
         * first item is written: set them before. A failure thrown before the first item is an ordinary error
         * response.
         */
        void run(StreamEmitter emitter, Cancellation cancellation, AtomicReference<RateLimitStatus> rateLimits,
                 Map<String, String> headers);
    }

    private GenerationStreams() {
    }

    public static StreamedResponse start(ContainerRequestContext context, Caller caller, ExecutorService virtualThreads,
                                         Surface surface) {
        RequestId requestId = RequestIdFilter.of(context);
        Cancellation cancellation = new Cancellation();
        AtomicReference<RateLimitStatus> rateLimits = new AtomicReference<>(RateLimitStatus.NONE);
        // read when the first item is written: the model serving it by then (a fallback's, if it came to that)
        Map<String, String> headers = Collections.synchronizedMap(new LinkedHashMap<>());
        Multi<byte[]> chunks = Multi.createFrom().emitter(multi -> {
            MultiStreamEmitter emitter = new MultiStreamEmitter(multi);
            multi.onRequest(n -> emitter.wake());
            multi.onTermination(() -> {
                if (multi.isCancelled()) {
                    cancellation.cancel();
                }
                emitter.wake();
            });
            virtualThreads.execute(() -> {
                MDC.put("requestId", requestId.value());
                MDC.put("tenantId", caller.tenant().toString());
                try {
                    surface.run(emitter, cancellation, rateLimits, headers);
                } catch (RuntimeException | Error e) {
                    emitter.fail(e); // before the first chunk: an ordinary error response
                } finally {
                    MDC.remove("requestId");
                    MDC.remove("tenantId");
                }
            });
        }, BackPressureStrategy.BUFFER);
        idHeaders(headers, requestId, RequestIdFilter.correlationOf(context));
        return new StreamedResponse(chunks, headers, rateLimits);
    }

    /** The request-id headers every tenant response carries: the server's id, and the caller's (or the server's). */
    public static void idHeaders(Map<String, String> headers, RequestId requestId, Optional<String> correlation) {
        headers.put(RequestIds.SERVER_HEADER, requestId.value());
        headers.put(RequestIds.HEADER, correlation.orElse(requestId.value()));
    }

    /** The headers of an event stream or streamed JSON array whose cost follows as a trailer ({@link #costTrailer}). */
    public static void streamHeaders(Map<String, String> headers, String contentType) {
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-cache");
        headers.put("Trailer", CostHeader.NAME);
    }

    /**
     * A stream's settled cost, known only after its last chunk, as the HTTP trailer {@code x-gemgate-cost-usd} (in the
     * last chunk of the chunked encoding, or HTTP/2's trailing HEADERS): not in the body, because Google's Python and
     * Go SDKs fail on any SSE line that is not {@code data:} (see the README). Vert.x sends what is put before the
     * response ends; a response already ended (the client went away) has no trailer to send.
     */
    public static void costTrailer(HttpServerResponse http, Money cost) {
        try {
            http.putTrailer(CostHeader.NAME, CostHeader.usd(cost));
        } catch (IllegalStateException ended) {
            // the response is closed: nobody is left to read the cost
        }
    }
}
