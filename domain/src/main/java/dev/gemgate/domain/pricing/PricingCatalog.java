package dev.gemgate.domain.pricing;

import dev.gemgate.domain.generation.ModelId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: effective-dated prices. A model without a price is a model Gemgate does not serve: it cannot be charged
 * correctly, so it is refused rather than charged zero.
 */
public interface PricingCatalog {
    Optional<ModelPrice> priceAt(ModelId model, Instant at);

    /** The price in force at {@code at} of every model that has one. */
    List<ModelPrice> allAt(Instant at);
}
