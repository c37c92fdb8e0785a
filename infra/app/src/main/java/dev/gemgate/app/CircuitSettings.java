package dev.gemgate.app;

import java.time.Duration;

/**
 * The circuit breakers' and bulkheads' settings ({@code gemgate.upstream.circuit.*}, {@code gemgate.upstream.bulkhead.*}),
 * checked when built: a value out of range names its setting, so a bad one stops the start.
 *
 * @param enabled                   whether calls go through a circuit breaker at all (the bulkhead stays on)
 * @param window                    the last calls a circuit judges (SmallRye's requestVolumeThreshold): it opens only
 *                                  once this many calls were recorded
 * @param failureRatio              the share of failures among them that opens it, above 0 and at most 1
 * @param openFor                   how long an open circuit refuses calls before it lets probes through (half-open)
 * @param probes                    the successful probe calls that close a half-open circuit (one failure reopens it)
 * @param maxInFlightPerCredential  calls in flight at once per upstream credential, all models together
 */
public record CircuitSettings(boolean enabled, int window, double failureRatio, Duration openFor, int probes,
                             int maxInFlightPerCredential) {
    public static final CircuitSettings DEFAULT = new CircuitSettings(true, 20, 0.5, Duration.ofSeconds(10), 1, 10_000);
    private static final int MAX_WINDOW = 10_000;
    private static final int MAX_IN_FLIGHT = 1_000_000;

    public CircuitSettings {
        if (window < 1 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("gemgate.upstream.circuit.window must be from 1 to " + MAX_WINDOW
                    + ", not " + window);
        }
        if (!(failureRatio > 0 && failureRatio <= 1)) {
            throw new IllegalArgumentException("gemgate.upstream.circuit.failure-ratio must be above 0 and at most 1, not "
                    + failureRatio);
        }
        if (openFor == null || openFor.toMillis() < 1 || openFor.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("gemgate.upstream.circuit.open-for must be from 1ms to 1d, not " + openFor);
        }
        if (probes < 1 || probes > window) {
            throw new IllegalArgumentException("gemgate.upstream.circuit.probes must be from 1 to the window ("
                    + window + "), not " + probes);
        }
        if (maxInFlightPerCredential < 1 || maxInFlightPerCredential > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("gemgate.upstream.bulkhead.max-in-flight-per-credential must be from 1 to "
                    + MAX_IN_FLIGHT + ", not " + maxInFlightPerCredential);
        }
    }
}
