package dev.gemgate.adminui.portal;

import dev.gemgate.domain.pricing.ModelPrice;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pricing form's reading of what an admin typed (plain JUnit; the page itself is walked by
 * PortalOperationsBrowserTest): the date formats it takes as UTC, every bad field named at once, a long-prompt tier
 * all or nothing.
 */
class PortalPricingFormTest {
    private static Map<String, String> form(String... pairs) {
        Map<String, String> values = new HashMap<>();
        PortalPricing.AddForm.FIELDS.forEach(f -> values.put(f, ""));
        values.putAll(Map.of("model", "gemini-9-test", "effectiveFrom", "2027-01-01", "input", "1.25",
                "output", "10", "cachedInput", "0.31"));
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return values;
    }

    private static Optional<ModelPrice> parse(Map<String, String> values, Map<String, String> errors) {
        return PortalPricing.parse(values, errors);
    }

    @Test
    void aDateAloneIsMidnightUtcAndOtherIsoFormsAreTakenToo() {
        Map<String, String> errors = new LinkedHashMap<>();
        assertThat(parse(form(), errors)).get().extracting(ModelPrice::effectiveFrom)
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(parse(form("effectiveFrom", "2027-01-01T09:30"), errors)).get()
                .extracting(ModelPrice::effectiveFrom).isEqualTo(Instant.parse("2027-01-01T09:30:00Z"));
        assertThat(parse(form("effectiveFrom", "2027-01-01T09:30:00+02:00"), errors)).get()
                .extracting(ModelPrice::effectiveFrom).isEqualTo(Instant.parse("2027-01-01T07:30:00Z"));
        assertThat(errors).isEmpty();
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        Map<String, String> errors = new LinkedHashMap<>();
        assertThat(parse(form("model", "Not A Model", "effectiveFrom", "01/02/2027", "input", "-1",
                "output", "1.1234567", "batchDiscount", "2", "cachedInput", ""), errors)).isEmpty();
        assertThat(errors).containsOnlyKeys("model", "effectiveFrom", "input", "output", "cachedInput",
                "batchDiscount");
        assertThat(errors.get("output")).contains("six decimals");
    }

    @Test
    void aLongPromptTierIsAllOrNothing() {
        Map<String, String> errors = new LinkedHashMap<>();
        assertThat(parse(form("tierInput", "2.50"), errors)).isEmpty();
        assertThat(errors).containsOnlyKeys("tierThreshold", "tierOutput", "tierCachedInput");

        errors.clear();
        ModelPrice price = parse(form("tierThreshold", "200000", "tierInput", "2.50", "tierOutput", "15",
                "tierCachedInput", "0.625", "batchDiscount", "0.25", "audioInput", "$1.00"), errors).orElseThrow();
        assertThat(price.longPromptTier()).get().extracting(ModelPrice.LongPromptTier::thresholdTokens)
                .isEqualTo(200_000L);
        assertThat(price.batchDiscount()).isEqualByComparingTo(new BigDecimal("0.25"));
        assertThat(PortalPricing.dollars(price.audioInput().orElseThrow())).isEqualTo("1.00");
    }
}
