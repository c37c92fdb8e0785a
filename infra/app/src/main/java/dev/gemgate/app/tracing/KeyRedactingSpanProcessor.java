package dev.gemgate.app.tracing;

import dev.gemgate.app.AccessLogKeyRedaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * A tenant key may arrive as {@code ?key=...}, and the HTTP server span Quarkus opens records the query string
 * ({@code url.query}): its value is redacted as the access log's is ({@link AccessLogKeyRedaction}), when the span
 * starts and so before any exporter sees it.
 */
@Singleton
public class KeyRedactingSpanProcessor implements SpanProcessor {
    private static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
    /** Attributes holding a whole URL or request target (older conventions, clients). */
    private static final List<AttributeKey<String>> URLS = List.of(AttributeKey.stringKey("url.full"),
            AttributeKey.stringKey("http.target"), AttributeKey.stringKey("http.url"));

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String query = span.getAttribute(QUERY);
        if (query != null) {
            span.setAttribute(QUERY, AccessLogKeyRedaction.redactQuery(query));
        }
        for (AttributeKey<String> key : URLS) {
            String url = span.getAttribute(key);
            if (url != null) {
                span.setAttribute(key, AccessLogKeyRedaction.redact(url));
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
