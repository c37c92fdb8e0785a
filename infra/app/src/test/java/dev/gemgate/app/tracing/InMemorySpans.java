package dev.gemgate.app.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Every span the SDK ends, kept in memory for {@link TracingAndAccessLogTest} (next to the OTLP exporter): a span
 * processor bean is added to the SDK's tracer provider. Unused where the SDK is disabled (no endpoint).
 */
public class InMemorySpans {
    static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    @Produces
    @Singleton
    SpanProcessor inMemory() {
        return SimpleSpanProcessor.create(EXPORTER);
    }
}
