package dev.gemgate.app.tracing;

import dev.gemgate.app.DerivedDefault;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Tracing is on exactly when an OTLP endpoint is configured: unless {@code quarkus.otel.sdk.disabled} is set
 * explicitly, it reads {@code true} while neither {@code quarkus.otel.exporter.otlp.endpoint} nor
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} is set. With the SDK disabled Quarkus installs no HTTP tracer
 * and Gemgate wires {@code RequestTracing.NONE}: no span is created, sampled or exported, so a gateway without a
 * tracing backend pays nothing for it.
 */
@Priority(Priorities.APPLICATION + 100)
public final class TracingSwitch extends DerivedDefault {
    public static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

    public TracingSwitch() {
        super(SDK_DISABLED);
    }

    @Override
    protected String derive(ConfigSourceInterceptorContext context) {
        boolean endpoint = isExplicit(context.proceed(TRACES_ENDPOINT)) || isExplicit(context.proceed(ENDPOINT));
        return String.valueOf(!endpoint);
    }
}
