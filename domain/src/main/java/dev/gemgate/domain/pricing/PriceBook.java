package dev.gemgate.domain.pricing;

import java.util.List;

/**
 * Port: the full, effective-dated price history, and the one way to change it: adding a price from a date on. A price
 * row is never updated or deleted, so a call is always priced as it was when it was made.
 */
public interface PriceBook {
    /** Every price row, by model then effective date. */
    List<ModelPrice> history();

    /**
     * Adds a price; the catalog serves it (on this instance) when this returns.
     *
     * @throws dev.gemgate.domain.common.ConflictException when the model already has a price from that instant
     */
    void add(ModelPrice price);
}
