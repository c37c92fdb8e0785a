package dev.gemgate.application.generation;

import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The models a tenant may call: those the upstream offers and the gateway can price. */
public final class ListModels {
    private final PricingCatalog pricing;
    private final UpstreamKeyVault vault;
    private final GenerationPort upstream;
    private final Clock clock;
    private final Duration timeout;

    public ListModels(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream, Clock clock,
                      Duration timeout) {
        this.pricing = pricing;
        this.vault = vault;
        this.upstream = upstream;
        this.clock = clock;
        this.timeout = timeout;
    }

    public List<ModelInfo> execute() {
        List<ModelPrice> priced = pricing.allAt(clock.instant());
        Set<ModelId> served = priced.stream().map(ModelPrice::model).collect(Collectors.toSet());
        if (served.isEmpty()) {
            return List.of();
        }
        return upstream.listModels(vault.select(priced.get(0).model()), timeout).stream()
                .filter(m -> served.contains(m.id()))
                .sorted(Comparator.comparing(m -> m.id().value()))
                .toList();
    }
}
