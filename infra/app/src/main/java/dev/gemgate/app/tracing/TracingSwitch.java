package dev.gemgate.app.tracing;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.DefaultValuesConfigSource;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Tracing is on exactly when an OTLP endpoint is configured: unless {@code quarkus.otel.sdk.disabled} is set
 * explicitly, it reads {@code true} while neither {@code quarkus.otel.exporter.otlp.endpoint} nor
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} is set. With the SDK disabled Quarkus installs no HTTP tracer
 * and Gemgate wires {@code RequestTracing.NONE}: no span is created, sampled or exported, so a gateway without a
 * tracing backend pays nothing for it.
 */
@Priority(Priorities.APPLICATION + 100)
public final class TracingSwitch implements ConfigSourceInterceptor {
    public static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    private static final int EXPLICIT_ORDINAL = 100;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name) || explicit(value)) {
            return value;
        }
        boolean endpoint = explicit(context.proceed(TRACES_ENDPOINT)) || explicit(context.proceed(ENDPOINT));
        ConfigValue.ConfigValueBuilder derived = value != null ? value.from() : ConfigValue.builder().withName(name);
        return derived.withValue(String.valueOf(!endpoint)).withRawValue(String.valueOf(!endpoint)).build();
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(names::add);
        names.add(SDK_DISABLED);
        return names.iterator();
    }

    /**
     * Set in a real source (microprofile-config.properties 100, application.properties 250, .env 295, the environment
     * 300, system properties 400), not a default: Quarkus keeps the mappings' defaults and the values it recorded at
     * build time in sources of the lowest ordinals ({@link DefaultValuesConfigSource#ORDINAL} and just above).
     */
    private static boolean explicit(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= EXPLICIT_ORDINAL;
    }
}
