package dev.gemgate.domain.fakes;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.pricing.TokenRate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

public final class InMemoryPricingCatalog implements PricingCatalog {
    private final List<ModelPrice> prices = new CopyOnWriteArrayList<>();

    public InMemoryPricingCatalog add(ModelPrice price) {
        prices.add(price);
        return this;
    }

    /** A flat price from the epoch on: dollars per 1M input, output and cached-input tokens. */
    public InMemoryPricingCatalog add(String model, String input, String output, String cached) {
        return add(new ModelPrice(ModelId.parse(model), Instant.EPOCH, TokenRate.dollarsPerMillion(input),
                TokenRate.dollarsPerMillion(output), TokenRate.dollarsPerMillion(cached), Optional.empty()));
    }

    @Override
    public Optional<ModelPrice> priceAt(ModelId model, Instant at) {
        return prices.stream()
                .filter(p -> p.model().equals(model) && !p.effectiveFrom().isAfter(at))
                .max(Comparator.comparing(ModelPrice::effectiveFrom));
    }

    @Override
    public List<ModelPrice> allAt(Instant at) {
        Map<ModelId, List<ModelPrice>> byModel = prices.stream().collect(Collectors.groupingBy(ModelPrice::model));
        List<ModelPrice> result = new ArrayList<>();
        byModel.keySet().forEach(m -> priceAt(m, at).ifPresent(result::add));
        return result;
    }
}
