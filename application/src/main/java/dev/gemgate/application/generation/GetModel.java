package dev.gemgate.application.generation;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Duration;

/** One model a tenant may call, or 404. */
public final class GetModel {
    private final PricingCatalog pricing;
    private final UpstreamKeyVault vault;
    private final GenerationPort upstream;
    private final Clock clock;
    private final Duration timeout;

    public GetModel(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream, Clock clock,
                    Duration timeout) {
        this.pricing = pricing;
        this.vault = vault;
        this.upstream = upstream;
        this.clock = clock;
        this.timeout = timeout;
    }

    public ModelInfo execute(ModelId model) {
        ModelAccess.requireServed(pricing, model, clock.instant());
        return upstream.getModel(model, vault.select(model), timeout)
                .orElseThrow(() -> new NotFoundException("models/" + model + " is not found."));
    }
}
