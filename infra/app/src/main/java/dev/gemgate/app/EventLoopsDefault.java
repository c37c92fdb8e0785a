package dev.gemgate.app;

import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

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
public final class EventLoopsDefault extends DerivedDefault {
    public static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";

    public EventLoopsDefault() {
        super(EVENT_LOOPS);
    }

    /** The default for a JVM that sees {@code processors} processors. */
    public static int forProcessors(int processors) {
        return Math.max(1, processors / 2);
    }

    @Override
    protected String derive(ConfigSourceInterceptorContext context) {
        return String.valueOf(forProcessors(Runtime.getRuntime().availableProcessors()));
    }
}
