package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.ResponseStreamSink;
import dev.gemgate.adapter.web.StreamEmitter;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one streamed generation the way Google does, onto the HTTP response through a {@link StreamEmitter} (the
 * REST layer's, or a route's): each item is written as soon as it is emitted, and the next waits until the response
 * can take it.
 *
 * <p>Framing: with {@code alt=sse}, each chunk is an event {@code data: <chunk JSON>\r\n\r\n}, no terminator event;
 * without it, one JSON array streamed element by element ({@code [<chunk>}, {@code ,\r\n<chunk>}, ..., {@code ]}). The
 * chunk JSON is the upstream's text, unchanged. A failure after the first chunk ends the stream with an error in the
 * same framing ({@code data: {"error":{...}}} or a last array element), which the SDKs raise as the matching error.
 *
 * <p>Flow control: {@link StreamEmitter}.
 */
final class GeminiStream extends ResponseStreamSink {
    private static final Logger LOG = Logger.getLogger(GeminiStream.class);
    private static final byte[] SSE_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SSE_SUFFIX = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_SEPARATOR = ",\r\n".getBytes(StandardCharsets.US_ASCII);

    private final boolean sse;
    private final RequestId requestId;
    private boolean started;

    /** {@code rateLimits}, {@code headers} and {@code http}: where the response's headers and trailer come from. */
    GeminiStream(StreamEmitter emitter, boolean sse, RequestId requestId, AtomicReference<RateLimitStatus> rateLimits,
                 Map<String, String> headers, HttpServerResponse http) {
        super(emitter, rateLimits, headers, http);
        this.sse = sse;
        this.requestId = requestId;
    }

    @Override
    public boolean send(StreamChunk chunk) {
        byte[] json = chunk.json().getBytes(StandardCharsets.UTF_8);
        byte[] item;
        if (sse) {
            item = StreamEmitter.concat(SSE_PREFIX, json, SSE_SUFFIX);
        } else {
            item = StreamEmitter.concat(started ? ARRAY_SEPARATOR : new byte[] {'['}, json, new byte[0]);
        }
        started = true;
        return emit(item);
    }

    @Override
    public void complete() {
        if (!sse) {
            if (!emit(started ? new byte[] {']'} : new byte[] {'[', ']'})) {
                return;
            }
        }
        emitter.complete();
    }

    @Override
    public void fail(RuntimeException failure) {
        GeminiError error = failure instanceof DomainException d ? GeminiError.of(d) : GeminiError.internal();
        if (!(failure instanceof DomainException)) {
            LOG.errorf(failure, "stream failed unexpectedly");
        }
        byte[] json = GeminiJson.write(error.envelope(requestId));
        boolean open = sse ? emit(StreamEmitter.concat(SSE_PREFIX, json, SSE_SUFFIX))
                : emit(StreamEmitter.concat(started ? ARRAY_SEPARATOR : new byte[] {'['}, json, new byte[] {']'}));
        if (open) {
            emitter.complete();
        }
    }

    private boolean emit(byte[] item) {
        return emitter.emit(item);
    }
}
