package dev.gemgate.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The admin dashboard ({@code gemgate.dashboard.*}). */
@ConfigMapping(prefix = "gemgate.dashboard")
public interface DashboardConfig {
    /**
     * How long the dashboard's figures are reused on a replica: they scan the month's audit events (about 1 µs each),
     * and a dashboard a few seconds old is as good to a person. {@code 0s} computes them on every read.
     */
    @WithDefault("5s")
    Duration maxAge();
}
