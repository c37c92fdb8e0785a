package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.RateLimitHeaders;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A streamed response whose headers are only known once the stream is under way: the fixed ones, and the
 * {@code x-ratelimit-*} headers of the admission, which happens on the use case's thread after the response was
 * returned. Quarkus REST reads a {@link RestMulti}'s headers when it writes the first item (or ends an empty stream),
 * as it must for {@code RestMulti.fromUniResponse}, whose headers come from an asynchronous result; by then the
 * admission has happened, since every chunk follows it. A failure before the first item is still an ordinary error
 * response, without these headers.
 */
final class StreamedResponse extends RestMulti<byte[]> {
    private final Multi<byte[]> chunks;
    private final Map<String, String> fixedHeaders;
    private final AtomicReference<RateLimitStatus> rateLimits;

    StreamedResponse(Multi<byte[]> chunks, Map<String, String> fixedHeaders,
                     AtomicReference<RateLimitStatus> rateLimits) {
        this.chunks = chunks;
        // kept, not copied: the use case adds headers (the served model, the cache status) before the first item
        this.fixedHeaders = fixedHeaders;
        this.rateLimits = rateLimits;
    }

    @Override
    public void subscribe(MultiSubscriber<? super byte[]> subscriber) {
        chunks.subscribe(Infrastructure.onMultiSubscription(chunks, subscriber));
    }

    @Override
    public Integer getStatus() {
        return null;
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Map<String, String> known;
        synchronized (fixedHeaders) { // a synchronized map: iterating it needs its lock
            known = new LinkedHashMap<>(fixedHeaders);
        }
        known.forEach((name, value) -> headers.put(name, List.of(value)));
        RateLimitHeaders.of(rateLimits.get()).forEach((name, value) -> headers.put(name, List.of(value)));
        return headers;
    }
}
