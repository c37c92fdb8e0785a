package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import dev.gemgate.domain.common.ConflictException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresPricingCatalogTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Inject
    PostgresPricingCatalog catalog;

    @Inject
    DataSource dataSource;

    @Test
    void the_seeded_models_are_priced() {
        assertThat(catalog.allAt(NOW)).extracting(p -> p.model().value()).contains(
                "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-3.1-pro-preview",
                "gemini-3.5-flash", "gemini-3.5-flash-lite", "gemini-3.6-flash", "gemini-3.8-flash",
                "gemini-embedding-001", "gemini-4-argon", "gemini-4-hydrogen");
        ModelPrice flash = catalog.priceAt(new ModelId("gemini-2.5-flash"), NOW).orElseThrow();
        assertThat(flash.input()).isEqualTo(TokenRate.dollarsPerMillion("0.30"));
        assertThat(flash.output()).isEqualTo(TokenRate.dollarsPerMillion("2.50"));
        assertThat(flash.cachedInput()).isEqualTo(TokenRate.dollarsPerMillion("0.03"));
        assertThat(flash.longPromptTier()).isEmpty();
        ModelPrice embedding = catalog.priceAt(new ModelId("gemini-embedding-001"), NOW).orElseThrow();
        assertThat(embedding.input()).isEqualTo(TokenRate.dollarsPerMillion("0.15"));
        assertThat(embedding.output().perMillion()).isEqualTo(Money.ZERO);
    }

    @Test
    void gemini_3_8_flash_changes_price_on_1_january_2027() {
        ModelId model = new ModelId("gemini-3.8-flash");

        ModelPrice lastDayOfOldPrice = catalog.priceAt(model, Instant.parse("2026-12-31T23:59:59.999999Z")).orElseThrow();
        ModelPrice firstDayOfNewPrice = catalog.priceAt(model, Instant.parse("2027-01-01T00:00:00Z")).orElseThrow();

        assertThat(lastDayOfOldPrice.input()).isEqualTo(TokenRate.dollarsPerMillion("0.75"));
        assertThat(lastDayOfOldPrice.output()).isEqualTo(TokenRate.dollarsPerMillion("3.75"));
        assertThat(firstDayOfNewPrice.input()).isEqualTo(TokenRate.dollarsPerMillion("1.50"));
        assertThat(firstDayOfNewPrice.output()).isEqualTo(TokenRate.dollarsPerMillion("7.50"));
        assertThat(firstDayOfNewPrice.effectiveFrom()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(catalog.allAt(Instant.parse("2027-06-01T00:00:00Z")))
                .filteredOn(p -> p.model().equals(model)).containsExactly(firstDayOfNewPrice);
    }

    @Test
    void gemini_4_argon_doubles_its_price_at_midnight_utc_on_1_december_2026() {
        ModelId argon = new ModelId("gemini-4-argon");

        ModelPrice lastInstantOfOldPrice = catalog.priceAt(argon, Instant.parse("2026-11-30T23:59:59.999999Z"))
                .orElseThrow();
        ModelPrice firstInstantOfNewPrice = catalog.priceAt(argon, Instant.parse("2026-12-01T00:00:00Z"))
                .orElseThrow();

        assertThat(lastInstantOfOldPrice.input()).isEqualTo(TokenRate.dollarsPerMillion("2.00"));
        assertThat(lastInstantOfOldPrice.output()).isEqualTo(TokenRate.dollarsPerMillion("10.00"));
        assertThat(lastInstantOfOldPrice.cachedInput()).isEqualTo(TokenRate.dollarsPerMillion("0.10"));
        assertThat(lastInstantOfOldPrice.longPromptTier()).isEmpty();
        assertThat(firstInstantOfNewPrice.effectiveFrom()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(firstInstantOfNewPrice.input()).isEqualTo(TokenRate.dollarsPerMillion("4.00"));
        assertThat(firstInstantOfNewPrice.output()).isEqualTo(TokenRate.dollarsPerMillion("20.00"));
        assertThat(firstInstantOfNewPrice.cachedInput()).isEqualTo(TokenRate.dollarsPerMillion("0.20"));
        assertThat(firstInstantOfNewPrice.longPromptTier()).isEmpty();
        assertThat(catalog.allAt(Instant.parse("2027-03-01T00:00:00Z")))
                .filteredOn(p -> p.model().equals(argon)).containsExactly(firstInstantOfNewPrice);
        assertThat(catalog.allAt(NOW)).filteredOn(p -> p.model().equals(argon))
                .containsExactly(lastInstantOfOldPrice);
    }

    @Test
    void a_real_gemini_4_argon_call_costs_twice_as_much_from_1_december_with_its_thinking_billed_as_output() {
        ModelId argon = new ModelId("gemini-4-argon");
        // usageMetadata of one call: promptTokenCount 10,000 (of which cachedContentTokenCount 4,000),
        // candidatesTokenCount 1,500, thoughtsTokenCount 2,500
        Usage call = new Usage(10_000, 1_500, 2_500, 4_000);
        CostCalculator calculator = new CostCalculator();

        Money before = calculator.cost(catalog.priceAt(argon, Instant.parse("2026-11-30T23:59:59Z")).orElseThrow(),
                call);
        Money after = calculator.cost(catalog.priceAt(argon, Instant.parse("2026-12-01T00:00:00Z")).orElseThrow(),
                call);

        // 6,000 x 2.00 + 4,000 x 0.10 + (1,500 + 2,500) x 10.00 per 1M = 0.012 + 0.0004 + 0.04 USD
        assertThat(before).isEqualTo(Money.ofDollars("0.0524"));
        // 6,000 x 4.00 + 4,000 x 0.20 + 4,000 x 20.00 per 1M = 0.024 + 0.0008 + 0.08 USD
        assertThat(after).isEqualTo(Money.ofDollars("0.1048"));
        // the 2,500 thinking tokens cost exactly what 2,500 more candidate tokens would
        assertThat(calculator.cost(catalog.priceAt(argon, NOW).orElseThrow(), new Usage(10_000, 4_000, 0, 4_000)))
                .isEqualTo(before);
        assertThat(calculator.cost(catalog.priceAt(argon, NOW).orElseThrow(), new Usage(10_000, 1_500, 0, 4_000)))
                .isEqualTo(Money.ofDollars("0.0274"));
    }

    @Test
    void gemini_4_hydrogen_is_flat_with_a_cached_rate_of_ten_percent() {
        ModelId hydrogen = new ModelId("gemini-4-hydrogen");
        ModelPrice price = catalog.priceAt(hydrogen, NOW).orElseThrow();

        assertThat(price.input()).isEqualTo(TokenRate.dollarsPerMillion("1.50"));
        assertThat(price.output()).isEqualTo(TokenRate.dollarsPerMillion("7.50"));
        assertThat(price.cachedInput()).isEqualTo(TokenRate.dollarsPerMillion("0.15"));
        assertThat(price.longPromptTier()).isEmpty();
        assertThat(catalog.priceAt(hydrogen, Instant.parse("2027-12-01T00:00:00Z"))).contains(price);
        // a prompt of 900,000 tokens is not billed at a higher tier: 900,000 x 1.50 + 1,000 x 7.50 per 1M
        assertThat(new CostCalculator().cost(price, new Usage(900_000, 1_000, 0, 0)))
                .isEqualTo(Money.ofDollars("1.3575"));
    }

    @Test
    void nothing_is_priced_before_its_first_effective_date_or_for_an_unknown_model() {
        assertThat(catalog.priceAt(new ModelId("gemini-2.5-flash"), Instant.parse("2024-12-31T23:59:59Z"))).isEmpty();
        assertThat(catalog.priceAt(new ModelId("gemini-2.0-flash"), NOW)).isEmpty();
    }

    @Test
    void gemini_2_5_pro_bills_long_prompts_at_its_higher_tier() {
        ModelPrice pro = catalog.priceAt(new ModelId("gemini-2.5-pro"), NOW).orElseThrow();

        assertThat(pro.input()).isEqualTo(TokenRate.dollarsPerMillion("1.25"));
        assertThat(pro.cachedInput()).isEqualTo(TokenRate.dollarsPerMillion("0.31"));
        ModelPrice.LongPromptTier tier = pro.longPromptTier().orElseThrow();
        assertThat(tier.thresholdTokens()).isEqualTo(200_000);
        assertThat(tier.input()).isEqualTo(TokenRate.dollarsPerMillion("2.50"));
        assertThat(tier.output()).isEqualTo(TokenRate.dollarsPerMillion("15.00"));
        assertThat(tier.cachedInput()).isEqualTo(TokenRate.dollarsPerMillion("0.625"));

        CostCalculator calculator = new CostCalculator();
        // 200,000 prompt + 1,000 output tokens: standard rates. 0.25 + 0.01 USD.
        assertThat(calculator.cost(pro, new Usage(200_000, 1_000, 0, 0))).isEqualTo(Money.ofDollars("0.26"));
        // 200,001 prompt tokens: the whole call at the long-prompt rates. 0.5000025 + 0.015 USD, rounded up.
        assertThat(calculator.cost(pro, new Usage(200_001, 1_000, 0, 0))).isEqualTo(Money.ofDollars("0.515003"));
    }

    @Test
    void reload_picks_up_a_new_price_row() throws Exception {
        ModelId model = new ModelId("test-reload-" + UUID.randomUUID().toString().substring(0, 8));
        insertPrice(model, Instant.parse("2025-01-01T00:00:00Z"), 1_000_000);
        assertThat(catalog.reload()).isPositive();
        assertThat(catalog.priceAt(model, NOW).orElseThrow().input()).isEqualTo(TokenRate.dollarsPerMillion("1"));

        insertPrice(model, Instant.parse("2026-06-01T00:00:00Z"), 2_000_000);
        assertThat(catalog.priceAt(model, NOW).orElseThrow().input())
                .as("served from the snapshot until the next reload")
                .isEqualTo(TokenRate.dollarsPerMillion("1"));
        catalog.reload();

        assertThat(catalog.priceAt(model, NOW).orElseThrow().input()).isEqualTo(TokenRate.dollarsPerMillion("2"));
        assertThat(catalog.priceAt(model, Instant.parse("2026-05-31T00:00:00Z")).orElseThrow().input())
                .isEqualTo(TokenRate.dollarsPerMillion("1"));
    }

    @Test
    void the_periodic_refresh_picks_up_a_new_price_row_by_itself() throws Exception {
        // gemgate.pricing.refresh is 1 s in the tests (30 s by default).
        ModelId model = new ModelId("test-refresh-" + UUID.randomUUID().toString().substring(0, 8));
        insertPrice(model, Instant.parse("2025-01-01T00:00:00Z"), 3_000_000);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<ModelPrice> price = catalog.priceAt(model, NOW);
        while (price.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            price = catalog.priceAt(model, NOW);
        }
        assertThat(price).map(ModelPrice::input).contains(TokenRate.dollarsPerMillion("3"));
    }

    private void insertPrice(ModelId model, Instant from, long inputMicrosPerMillion) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO model_prices (model, effective_from, input_micros_per_million, output_micros_per_million,
                                          cached_input_micros_per_million)
                VALUES (?, ?, ?, ?, ?)""")) {
            s.setString(1, model.value());
            s.setTimestamp(2, Timestamp.from(from));
            s.setLong(3, inputMicrosPerMillion);
            s.setLong(4, inputMicrosPerMillion * 4);
            s.setLong(5, inputMicrosPerMillion / 10);
            s.executeUpdate();
        }
    }

    @Test
    void v13_records_the_audio_rate_the_storage_rate_and_the_batch_discount() {
        ModelPrice flash = catalog.priceAt(new ModelId("gemini-2.5-flash"), NOW).orElseThrow();
        assertThat(flash.audioInput()).contains(TokenRate.dollarsPerMillion("1.00"));
        assertThat(flash.batchDiscount()).isEqualByComparingTo("0.5");
        // V26 fills in the storage rate of the 2.5 Flash models (1.00 per 1M tokens per hour)
        assertThat(flash.cacheStoragePerHour()).contains(TokenRate.dollarsPerMillion("1.00"));
        assertThat(catalog.priceAt(new ModelId("gemini-2.5-flash-lite"), NOW).orElseThrow().cacheStoragePerHour())
                .contains(TokenRate.dollarsPerMillion("1.00"));
        assertThat(catalog.priceAt(new ModelId("gemini-3.5-flash"), NOW).orElseThrow().cacheStoragePerHour())
                .isEmpty();
        ModelPrice pro = catalog.priceAt(new ModelId("gemini-2.5-pro"), NOW).orElseThrow();
        assertThat(pro.cacheStoragePerHour()).contains(TokenRate.dollarsPerMillion("4.50"));
        assertThat(pro.audioInput()).isEmpty();
        assertThat(catalog.allAt(NOW)).filteredOn(p -> p.model().value().startsWith("gemini-")).isNotEmpty().allSatisfy(p -> assertThat(p.batchDiscount()).isEqualByComparingTo("0.5"));
    }

    @Test
    void a_price_added_through_the_price_book_is_served_at_once_and_never_replaced() {
        ModelId model = new ModelId("test-add-" + UUID.randomUUID().toString().substring(0, 8));
        ModelPrice first = new ModelPrice(model, Instant.parse("2025-01-01T00:00:00Z"),
                TokenRate.dollarsPerMillion("1"), TokenRate.dollarsPerMillion("4"),
                TokenRate.dollarsPerMillion("0.1"), Optional.of(new ModelPrice.LongPromptTier(200_000,
                TokenRate.dollarsPerMillion("2"), TokenRate.dollarsPerMillion("6"),
                TokenRate.dollarsPerMillion("0.2"))), Optional.of(TokenRate.dollarsPerMillion("3")),
                new BigDecimal("0.25"), Optional.of(TokenRate.dollarsPerMillion("1.5")));
        ModelPrice later = new ModelPrice(model, Instant.parse("2027-01-01T00:00:00Z"),
                TokenRate.dollarsPerMillion("2"), TokenRate.dollarsPerMillion("8"),
                TokenRate.dollarsPerMillion("0.2"), Optional.empty());

        catalog.add(first);
        catalog.add(later);

        assertThat(catalog.priceAt(model, NOW)).contains(first);
        assertThat(catalog.priceAt(model, Instant.parse("2027-01-01T00:00:00Z"))).contains(later);
        assertThat(catalog.history()).filteredOn(p -> p.model().equals(model)).containsExactly(first, later);
        ModelPrice replacement = new ModelPrice(model, first.effectiveFrom(), TokenRate.dollarsPerMillion("9"),
                TokenRate.dollarsPerMillion("9"), TokenRate.dollarsPerMillion("0.9"), Optional.empty());
        assertThatThrownBy(() -> catalog.add(replacement)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("already has a price from 2025-01-01T00:00:00Z");
        catalog.reload();
        assertThat(catalog.priceAt(model, NOW)).contains(first);
    }
}
