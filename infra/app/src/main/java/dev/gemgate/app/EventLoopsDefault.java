package dev.gemgate.app;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Gemgate's default for the number of Vert.x event loops, where none is set: half the processors the JVM sees (at
 * least one), instead of Quarkus's one per processor. Set {@code quarkus.vertx.event-loops-pool-size} to override it.
 *
 * <p>Why: a request's own work runs on a virtual thread (one carrier per processor); the event loops do its I/O and
 * the framework's work around it, 58% of the CPU by thread in profile 8 (infra/bench/README.md). More loops than that
 * do not serve more. They spread the connections thinner, so each wake-up finds less work, and Vert.x's client pool
 * lends an idle upstream connection to a caller on any loop, so the answer crosses from its connection's loop to the
 * caller's. On the 2-core benchmark machine, one loop instead of two cut Gemgate's CPU per request at 64 connections
 * from 224-474 us to 176-215 us (side harness, same build, alternating runs).
 */
@Priority(Priorities.APPLICATION + 100)
public final class EventLoopsDefault implements ConfigSourceInterceptor {
    public static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";
    private static final int EXPLICIT_ORDINAL = 100;

    /** The default for a JVM that sees {@code processors} processors. */
    public static int forProcessors(int processors) {
        return Math.max(1, processors / 2);
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!EVENT_LOOPS.equals(name) || explicit(value)) {
            return value;
        }
        String loops = String.valueOf(forProcessors(Runtime.getRuntime().availableProcessors()));
        ConfigValue.ConfigValueBuilder derived = value != null ? value.from() : ConfigValue.builder().withName(name);
        return derived.withValue(loops).withRawValue(loops).build();
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(names::add);
        names.add(EVENT_LOOPS);
        return names.iterator();
    }

    /**
     * Set in a real source (application.properties 250, the environment 300, system properties 400), not a value
     * Quarkus recorded at build time (kept in sources of the lowest ordinals).
     */
    private static boolean explicit(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= EXPLICIT_ORDINAL;
    }
}
