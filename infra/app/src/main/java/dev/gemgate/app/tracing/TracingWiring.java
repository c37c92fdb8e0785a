package dev.gemgate.app.tracing;

import dev.gemgate.application.port.RequestTracing;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The request path's tracing: OpenTelemetry when the SDK is on (an OTLP endpoint is configured, {@link TracingSwitch}),
 * else {@link RequestTracing#NONE}, so that a gateway without a tracing backend creates no span at all.
 */
public class TracingWiring {
    @Produces
    @Singleton
    RequestTracing requestTracing(@ConfigProperty(name = TracingSwitch.SDK_DISABLED) boolean sdkDisabled,
                                  Instance<OpenTelemetry> openTelemetry) {
        if (sdkDisabled) {
            return RequestTracing.NONE;
        }
        return new OpenTelemetryRequestTracing(openTelemetry.get().getTracer("dev.gemgate.request-path"));
    }
}
