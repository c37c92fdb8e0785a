package dev.gemgate.adapter.web;

import dev.gemgate.application.generation.CacheStatus;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.vertx.core.http.HttpServerResponse;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every surface's stream sink does with the use case's reports besides the chunks, the same on each surface: the
 * admission's standing ({@code rateLimits}) and the headers {@code x-gemgate-served-model} and {@code x-gemgate-cache}
 * (in {@code headers}) are read when the first item is written; the settled cost becomes the response's trailer
 * ({@link GenerationStreams#costTrailer}). The surface writes the chunks, the end and the error in its own form.
 */
public abstract class ResponseStreamSink implements StreamGenerateContent.ChunkSink {
    private final AtomicReference<RateLimitStatus> rateLimits;
    private final Map<String, String> headers;
    private final HttpServerResponse http;
    /** Where the surface writes its items. */
    protected final StreamEmitter emitter;

    protected ResponseStreamSink(StreamEmitter emitter, AtomicReference<RateLimitStatus> rateLimits,
                                 Map<String, String> headers, HttpServerResponse http) {
        this.emitter = emitter;
        this.rateLimits = rateLimits;
        this.headers = headers;
        this.http = http;
    }

    /** Whether the emitter never holds the sending thread ({@link StreamEmitter#nonBlocking}). */
    @Override
    public boolean nonBlocking() {
        return emitter.nonBlocking();
    }

    @Override
    public boolean holdUntilReady(Runnable ready) {
        return emitter.holdUntilReady(ready);
    }

    @Override
    public void admitted(RateLimitStatus status) {
        rateLimits.set(status);
    }

    @Override
    public void servedBy(ModelId model) {
        headers.put(TenantRequests.SERVED_MODEL_HEADER, model.value());
    }

    @Override
    public void cacheStatus(CacheStatus status) {
        headers.put(TenantRequests.CACHE_HEADER, status.name().toLowerCase());
    }

    @Override
    public void settled(Money cost) {
        GenerationStreams.costTrailer(http, cost);
    }
}
