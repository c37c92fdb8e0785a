package dev.gemgate.application.generation;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;

import java.time.Instant;
import java.util.Optional;

/** Which models the gateway serves: exactly those it can price. One place, shared by the generation use cases. */
final class ModelAccess {
    private ModelAccess() {
    }

    static ModelPrice requireServed(PricingCatalog pricing, ModelId model, Instant now) {
        return requireServed(pricing.priceAt(model, now), model);
    }

    static ModelPrice requireServed(Optional<ModelPrice> price, ModelId model) {
        return price.orElseThrow(() -> notServed(model));
    }

    static NotFoundException notServed(ModelId model) {
        return new NotFoundException("models/" + model + " is not found or is not served by this gateway.");
    }
}
