package dev.gemgate.domain.upstream;

/** The state of one upstream credential x model's circuit breaker (0, 1 and 2 in the metric, in this order). */
public enum CircuitState {
    CLOSED, HALF_OPEN, OPEN
}
