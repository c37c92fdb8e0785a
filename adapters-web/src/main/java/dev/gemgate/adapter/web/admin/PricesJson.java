package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.application.pricing.PriceEntry;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API's JSON for prices. Rates are US dollars per 1,000,000 tokens as decimal text (a JSON number is
 * accepted too), at most six decimals; storage is per 1M tokens per hour; the batch discount is the fraction taken off
 * (0.5: half price, the default). Every wrong field is named in one 400.
 */
public final class PricesJson {
    private static final Set<String> FIELDS = Set.of("model", "effectiveFrom", "input", "output", "cachedInput",
            "audioInput", "longPromptTier", "batchDiscount", "cacheStoragePerHour");
    private static final Set<String> TIER_FIELDS = Set.of("thresholdTokens", "input", "output", "cachedInput");

    private PricesJson() {
    }

    @Schema(name = "LongPromptTier", description = "Above thresholdTokens prompt tokens the whole request is billed "
            + "at these rates")
    public record Tier(@Schema(example = "200000") long thresholdTokens, @Schema(example = "2.50") String input,
                       @Schema(example = "15.00") String output, @Schema(example = "0.625") String cachedInput) {
    }

    /** A price as the admin API reads and writes it. */
    @Schema(name = "ModelPrice", description = "A model's standard-tier price from effectiveFrom on, USD per 1M tokens")
    public record Price(@Schema(example = "gemini-4-argon") String model,
                        @Schema(example = "2026-12-01T00:00:00Z") String effectiveFrom,
                        @Schema(description = "when the model's next price takes over; null while none is set")
                        String effectiveUntil,
                        @Schema(enumeration = {"PAST", "IN_FORCE", "SCHEDULED"}) String state,
                        @Schema(example = "4.00") String input, @Schema(example = "20.00") String output,
                        @Schema(example = "0.20") String cachedInput,
                        @Schema(description = "audio prompt tokens (promptTokensDetails AUDIO), where the rate differs "
                                + "from input") String audioInput,
                        Tier longPromptTier, @Schema(example = "0.5") String batchDiscount,
                        @Schema(description = "cached-content storage per 1M tokens per hour") String cacheStoragePerHour) {
        static Price of(PriceEntry entry) {
            ModelPrice p = entry.price();
            return new Price(p.model().value(), p.effectiveFrom().toString(),
                    entry.effectiveUntil().map(Instant::toString).orElse(null), entry.state().name(),
                    dollars(p.input()), dollars(p.output()), dollars(p.cachedInput()),
                    p.audioInput().map(PricesJson::dollars).orElse(null),
                    p.longPromptTier().map(t -> new Tier(t.thresholdTokens(), dollars(t.input()), dollars(t.output()),
                            dollars(t.cachedInput()))).orElse(null),
                    p.batchDiscount().toPlainString(), p.cacheStoragePerHour().map(PricesJson::dollars).orElse(null));
        }
    }

    /** The catalog: every price, past, in force and scheduled, by model then date. */
    @Schema(name = "PriceList")
    public record PriceList(List<Price> prices) {
    }

    /** The parsed body of a POST: a price, or the fields that are wrong. */
    record Input(ModelPrice price, List<AdminProblem.FieldError> errors) {
    }

    static String dollars(TokenRate rate) {
        BigDecimal d = rate.perMillion().toDollars().stripTrailingZeros();
        return (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }

    static Input price(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new Input(null, errors);
        }
        AdminJson.unknownFields(root, "", FIELDS, errors);
        ModelId model = null;
        JsonNode modelNode = root.get("model");
        if (modelNode == null || !modelNode.isTextual()) {
            errors.add(new AdminProblem.FieldError("model", "is required: a model name such as gemini-4-argon"));
        } else {
            try {
                model = ModelId.parse(modelNode.asText());
            } catch (IllegalArgumentException e) {
                errors.add(new AdminProblem.FieldError("model", "is not a model name"));
            }
        }
        Instant from = null;
        JsonNode fromNode = root.get("effectiveFrom");
        if (fromNode == null || !fromNode.isTextual()) {
            errors.add(new AdminProblem.FieldError("effectiveFrom", "is required: an ISO-8601 instant such as "
                    + "2027-01-01T00:00:00Z"));
        } else {
            try {
                from = Instant.parse(fromNode.asText());
            } catch (DateTimeParseException e) {
                errors.add(new AdminProblem.FieldError("effectiveFrom", "is not an ISO-8601 instant such as "
                        + "2027-01-01T00:00:00Z"));
            }
        }
        TokenRate input = rate(root, "", "input", true, errors);
        TokenRate output = rate(root, "", "output", true, errors);
        TokenRate cached = rate(root, "", "cachedInput", true, errors);
        TokenRate audio = rate(root, "", "audioInput", false, errors);
        TokenRate storage = rate(root, "", "cacheStoragePerHour", false, errors);
        Optional<ModelPrice.LongPromptTier> tier = tier(root.get("longPromptTier"), errors);
        BigDecimal discount = ModelPrice.STANDARD_BATCH_DISCOUNT;
        JsonNode discountNode = root.get("batchDiscount");
        if (discountNode != null && !discountNode.isNull()) {
            BigDecimal value = decimal(discountNode);
            if (value == null || value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
                errors.add(new AdminProblem.FieldError("batchDiscount", "must be a fraction from 0 to 1 (0.5: half "
                        + "price)"));
            } else {
                discount = value;
            }
        }
        if (!errors.isEmpty()) {
            return new Input(null, errors);
        }
        return new Input(new ModelPrice(model, from, input, output, cached, tier, Optional.ofNullable(audio), discount,
                Optional.ofNullable(storage)), List.of());
    }

    private static Optional<ModelPrice.LongPromptTier> tier(JsonNode node, List<AdminProblem.FieldError> errors) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            errors.add(new AdminProblem.FieldError("longPromptTier", "must be an object with thresholdTokens, input, "
                    + "output and cachedInput, or null"));
            return Optional.empty();
        }
        AdminJson.unknownFields(node, "longPromptTier.", TIER_FIELDS, errors);
        JsonNode threshold = node.get("thresholdTokens");
        long tokens = 0;
        if (threshold == null || !threshold.canConvertToLong() || !threshold.isIntegralNumber()
                || threshold.asLong() <= 0) {
            errors.add(new AdminProblem.FieldError("longPromptTier.thresholdTokens", "is required: a positive whole "
                    + "number of prompt tokens"));
        } else {
            tokens = threshold.asLong();
        }
        TokenRate input = rate(node, "longPromptTier.", "input", true, errors);
        TokenRate output = rate(node, "longPromptTier.", "output", true, errors);
        TokenRate cached = rate(node, "longPromptTier.", "cachedInput", true, errors);
        if (tokens <= 0 || input == null || output == null || cached == null) {
            return Optional.empty();
        }
        return Optional.of(new ModelPrice.LongPromptTier(tokens, input, output, cached));
    }

    private static TokenRate rate(JsonNode object, String prefix, String field, boolean required,
                                  List<AdminProblem.FieldError> errors) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new AdminProblem.FieldError(prefix + field, "is required: US dollars per 1M tokens"));
            }
            return null;
        }
        BigDecimal value = decimal(node);
        if (value == null || value.signum() < 0) {
            errors.add(new AdminProblem.FieldError(prefix + field, "must be a non-negative amount of US dollars "
                    + "per 1M tokens, such as \"1.25\""));
            return null;
        }
        try {
            return new TokenRate(Money.ofDollars(value.toPlainString()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            errors.add(new AdminProblem.FieldError(prefix + field, "has more than six decimals or is too large"));
            return null;
        }
    }

    private static BigDecimal decimal(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
