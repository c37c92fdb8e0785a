package dev.gemgate.application.pricing;

import dev.gemgate.domain.pricing.ModelPrice;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of the price history as the admin sees it: the price, when the next price of the same model replaces it (if
 * one is scheduled or was added), and whether it is past, in force or scheduled at the time of the query.
 */
public record PriceEntry(ModelPrice price, Optional<Instant> effectiveUntil, State state) {
    public enum State { PAST, IN_FORCE, SCHEDULED }

    public PriceEntry {
        if (price == null || effectiveUntil == null || state == null) {
            throw new IllegalArgumentException("price, end and state are required");
        }
    }
}
