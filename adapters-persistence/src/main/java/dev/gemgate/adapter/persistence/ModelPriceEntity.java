package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Row of {@code model_prices}, rates in micro-dollars per million tokens; never leaves this module. */
@Entity
@Table(name = "model_prices")
@IdClass(ModelPriceEntity.Key.class)
class ModelPriceEntity extends PanacheEntityBase {
    @Id
    @Column(length = 100)
    public String model;

    @Id
    @Column(name = "effective_from")
    public Instant effectiveFrom;

    @Column(name = "input_micros_per_million", nullable = false)
    public long inputMicrosPerMillion;

    @Column(name = "output_micros_per_million", nullable = false)
    public long outputMicrosPerMillion;

    @Column(name = "cached_input_micros_per_million", nullable = false)
    public long cachedInputMicrosPerMillion;

    @Column(name = "long_prompt_threshold_tokens")
    public Long longPromptThresholdTokens;

    @Column(name = "long_prompt_input_micros_per_million")
    public Long longPromptInputMicrosPerMillion;

    @Column(name = "long_prompt_output_micros_per_million")
    public Long longPromptOutputMicrosPerMillion;

    @Column(name = "long_prompt_cached_micros_per_million")
    public Long longPromptCachedMicrosPerMillion;

    @Column(name = "audio_input_micros_per_million")
    public Long audioInputMicrosPerMillion;

    @Column(name = "batch_discount", nullable = false, precision = 5, scale = 4)
    public BigDecimal batchDiscount;

    @Column(name = "cache_storage_micros_per_million_hour")
    public Long cacheStorageMicrosPerMillionHour;

    ModelPrice toDomain() {
        Optional<ModelPrice.LongPromptTier> tier = longPromptThresholdTokens == null
                ? Optional.empty()
                : Optional.of(new ModelPrice.LongPromptTier(longPromptThresholdTokens,
                        rate(longPromptInputMicrosPerMillion), rate(longPromptOutputMicrosPerMillion),
                        rate(longPromptCachedMicrosPerMillion)));
        return new ModelPrice(new ModelId(model), effectiveFrom, rate(inputMicrosPerMillion),
                rate(outputMicrosPerMillion), rate(cachedInputMicrosPerMillion), tier,
                Optional.ofNullable(audioInputMicrosPerMillion).map(ModelPriceEntity::rate), batchDiscount,
                Optional.ofNullable(cacheStorageMicrosPerMillionHour).map(ModelPriceEntity::rate));
    }

    static ModelPriceEntity of(ModelPrice price) {
        ModelPriceEntity e = new ModelPriceEntity();
        e.model = price.model().value();
        e.effectiveFrom = price.effectiveFrom();
        e.inputMicrosPerMillion = micros(price.input());
        e.outputMicrosPerMillion = micros(price.output());
        e.cachedInputMicrosPerMillion = micros(price.cachedInput());
        price.longPromptTier().ifPresent(tier -> {
            e.longPromptThresholdTokens = tier.thresholdTokens();
            e.longPromptInputMicrosPerMillion = micros(tier.input());
            e.longPromptOutputMicrosPerMillion = micros(tier.output());
            e.longPromptCachedMicrosPerMillion = micros(tier.cachedInput());
        });
        e.audioInputMicrosPerMillion = price.audioInput().map(ModelPriceEntity::micros).orElse(null);
        e.batchDiscount = price.batchDiscount();
        e.cacheStorageMicrosPerMillionHour = price.cacheStoragePerHour().map(ModelPriceEntity::micros).orElse(null);
        return e;
    }

    private static long micros(TokenRate rate) {
        return rate.perMillion().micros();
    }

    private static TokenRate rate(long microsPerMillion) {
        return new TokenRate(Money.ofMicros(microsPerMillion));
    }

    /** The composite primary key (model, effective_from). */
    public static final class Key implements Serializable {
        public String model;
        public Instant effectiveFrom;

        public Key() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(model, k.model) && Objects.equals(effectiveFrom, k.effectiveFrom);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, effectiveFrom);
        }
    }
}
