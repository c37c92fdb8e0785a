package dev.gemgate.adapter.web;

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
 * A streamed response whose headers are only known once the stream is under way: the fixed ones (a synchronized map,
 * read when the first item is written, so that the served model, known once the use case chose it, is among them), and the
 * {@code x-ratelimit-*} headers of the admission, which happens on the use case's thread after the response was
 * returned. Quarkus REST reads a {@link RestMulti}'s headers when it writes the first item (or ends an empty stream),
 * as it must for {@code RestMulti.fromUniResponse}, whose headers come from an asynchronous result; by then the
 * admission has happened, since every chunk follows it. A failure before the first item is still an ordinary error
 * response, without these headers.
 */
public final class StreamedResponse extends RestMulti<byte[]> {
    private final Multi<byte[]> chunks;
    private final Map<String, String> fixedHeaders;
    private final AtomicReference<RateLimitStatus> rateLimits;

    public StreamedResponse(Multi<byte[]> chunks, Map<String, String> fixedHeaders,
                     AtomicReference<RateLimitStatus> rateLimits) {
        this.chunks = chunks;
        this.fixedHeaders = fixedHeaders; // read at the first item: a header set once the stream is under way counts
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
        synchronized (fixedHeaders) {
            fixedHeaders.forEach((name, value) -> headers.put(name, List.of(value)));
        }
        RateLimitHeaders.of(rateLimits.get()).forEach((name, value) -> headers.put(name, List.of(value)));
        return headers;
    }
}
