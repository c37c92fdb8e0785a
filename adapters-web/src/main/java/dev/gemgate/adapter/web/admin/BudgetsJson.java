package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.application.budget.BudgetSpec;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKeyId;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The JSON of budgets and spending policies on the admin API, read from the tree (not by data binding) so that every
 * wrong field is named in one 400: an unknown field, a scope, period or zone that does not exist, a limit that is not a
 * positive amount of dollars with at most 6 decimals, thresholds that are not ascending percentages, a key or end user
 * where the scope has none (or none where it needs one), an end user's name the {@code x-gemgate-user} header would
 * refuse. Whether the key is the tenant's is the use case's check (a 400 naming {@code apiKeyId} as well).
 */
public final class BudgetsJson {
    private static final Set<String> BUDGET_FIELDS = Set.of("scope", "apiKeyId", "endUser", "period", "zone",
            "limitUsd", "alertPercents");
    private static final Set<String> POLICY_FIELDS = Set.of("forwardedOutputCap", "refuseUnmeasuredMedia");
    /** The largest limit: a billion dollars, far below what micro-dollars in a long can count. */
    private static final BigDecimal MAX_DOLLARS = BigDecimal.valueOf(1_000_000_000L);
    private static final int MAX_ZONE_LENGTH = 64;

    /** A budget on the wire, as stored. */
    @Schema(name = "Budget")
    public record View(String id, String tenantId,
                       @Schema(enumeration = {"TENANT", "API_KEY", "END_USER"}) String scope,
                       @Schema(description = "the key of an API_KEY budget, else null") String apiKeyId,
                       @Schema(description = "the end user of an END_USER budget (\"*\": each end user of the tenant, "
                               + "separately), else null") String endUser,
                       @Schema(enumeration = {"DAILY", "WEEKLY", "MONTHLY", "LIFETIME"}) String period,
                       @Schema(example = "Europe/Paris") String zone,
                       @Schema(example = "12.50", description = "US dollars, at most 6 decimals") String limitUsd,
                       @Schema(example = "[50, 80, 100]") List<Integer> alertPercents,
                       Instant createdAt, Instant updatedAt) {
        static View of(StoredBudget stored) {
            Budget b = stored.budget();
            return new View(stored.id().toString(), b.tenant().toString(), b.scope().name(),
                    b.apiKey().map(ApiKeyId::toString).orElse(null), b.endUser().orElse(null), b.period().name(),
                    b.zone().getId(), b.limit().toDollars().stripTrailingZeros().toPlainString(), b.alertPercents(),
                    stored.createdAt(), stored.updatedAt());
        }
    }

    /** The body of a POST or PUT of a budget. */
    @Schema(name = "BudgetInput")
    public record Input(@Schema(required = true, enumeration = {"TENANT", "API_KEY", "END_USER"}) String scope,
                        @Schema(description = "required for, and only for, an API_KEY budget: a key of the tenant")
                        String apiKeyId,
                        @Schema(description = "required for, and only for, an END_USER budget: a name as the "
                                + "x-gemgate-user header gives it (at most 128 characters), or \"*\" for each end "
                                + "user of the tenant") String endUser,
                        @Schema(required = true, enumeration = {"DAILY", "WEEKLY", "MONTHLY", "LIFETIME"})
                        String period,
                        @Schema(example = "Europe/Paris", defaultValue = "UTC",
                                description = "the zone the period boundaries are counted in") String zone,
                        @Schema(required = true, example = "12.50",
                                description = "the hard limit in US dollars, a decimal string above 0 with at most "
                                        + "6 decimals") String limitUsd,
                        @Schema(example = "[50, 80, 100]", description = "soft alert thresholds, ascending "
                                + "percentages from 1 to 100 (default none)") List<Integer> alertPercents) {
    }

    /** A tenant's spending policy on the wire (in and out). */
    @Schema(name = "SpendingPolicy")
    public record Policy(@Schema(description = "null (the default): a request without maxOutputTokens is forwarded "
            + "unchanged and reserved for the model's maximum output; a number: Gemgate writes maxOutputTokens = this "
            + "cap into such a request and reserves that (longer answers are cut, finishReason MAX_TOKENS)",
            example = "8192") Long forwardedOutputCap,
                         @Schema(description = "false (the default): parts Gemgate cannot measure are reserved at the "
                                 + "documented conservative bounds; true: such requests are refused before anything "
                                 + "is reserved or sent") boolean refuseUnmeasuredMedia) {
        static Policy of(SpendingPolicy p) {
            return new Policy(p.forwardedOutputCap().isPresent() ? p.forwardedOutputCap().getAsLong() : null,
                    p.refuseUnmeasuredMedia());
        }
    }

    /** The parsed body of a budget's POST or PUT, or the errors that refuse it. */
    record BudgetInput(BudgetSpec spec, List<AdminProblem.FieldError> errors) {
    }

    /** The parsed body of a spending policy's PUT, or the errors that refuse it. */
    record PolicyInput(SpendingPolicy policy, List<AdminProblem.FieldError> errors) {
    }

    private BudgetsJson() {
    }

    static BudgetInput budget(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new BudgetInput(null, errors);
        }
        AdminJson.unknownFields(root, "", BUDGET_FIELDS, errors);
        Optional<BudgetScope> scope = choice(root.get("scope"), "scope", BudgetScope.values(), errors);
        Optional<BudgetPeriod> period = choice(root.get("period"), "period", BudgetPeriod.values(), errors);
        Optional<ApiKeyId> apiKey = apiKey(root.get(BudgetSpec.API_KEY_ID), errors);
        Optional<String> endUser = text(root.get(BudgetSpec.END_USER), BudgetSpec.END_USER, errors);
        if (scope.isPresent()) {
            String keyProblem = BudgetSpec.problemWithKey(scope.get(),
                    apiKey.isPresent() || present(root.get(BudgetSpec.API_KEY_ID)));
            if (keyProblem != null && !named(errors, BudgetSpec.API_KEY_ID)) {
                errors.add(new AdminProblem.FieldError(BudgetSpec.API_KEY_ID, keyProblem));
            }
            String userProblem = BudgetSpec.problemWithEndUser(scope.get(), endUser);
            if (userProblem != null && !named(errors, BudgetSpec.END_USER)) {
                errors.add(new AdminProblem.FieldError(BudgetSpec.END_USER, userProblem));
            }
        }
        ZoneId zone = zone(root.get("zone"), errors);
        Optional<Money> limit = limit(root.get(BudgetSpec.LIMIT_USD), errors);
        List<Integer> alerts = alertPercents(root.get(BudgetSpec.ALERT_PERCENTS), errors);
        if (!errors.isEmpty()) {
            return new BudgetInput(null, errors);
        }
        return new BudgetInput(new BudgetSpec(scope.get(), apiKey, endUser, period.get(), zone, limit.get(), alerts),
                errors);
    }

    static PolicyInput policy(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new PolicyInput(null, errors);
        }
        AdminJson.unknownFields(root, "", POLICY_FIELDS, errors);
        OptionalLong cap = OptionalLong.empty();
        JsonNode capNode = root.get("forwardedOutputCap");
        if (present(capNode)) {
            if (capNode.isIntegralNumber() && capNode.canConvertToInt() && capNode.intValue() >= 1) {
                cap = OptionalLong.of(capNode.intValue());
            } else {
                errors.add(new AdminProblem.FieldError("forwardedOutputCap", "must be a whole number of tokens from 1 "
                        + "to " + Integer.MAX_VALUE + " (Gemini's maxOutputTokens is a 32-bit integer), or null for "
                        + "no cap"));
            }
        }
        boolean refuse = false;
        JsonNode refuseNode = root.get("refuseUnmeasuredMedia");
        if (present(refuseNode)) {
            if (refuseNode.isBoolean()) {
                refuse = refuseNode.booleanValue();
            } else {
                errors.add(new AdminProblem.FieldError("refuseUnmeasuredMedia", "must be true or false"));
            }
        }
        return new PolicyInput(errors.isEmpty() ? new SpendingPolicy(cap, refuse) : null, errors);
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static boolean named(List<AdminProblem.FieldError> errors, String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    private static <E extends Enum<E>> Optional<E> choice(JsonNode node, String field, E[] values,
                                                          List<AdminProblem.FieldError> errors) {
        String known = Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
        if (!present(node)) {
            errors.add(new AdminProblem.FieldError(field, "is required: one of " + known));
            return Optional.empty();
        }
        if (node.isTextual()) {
            String text = node.textValue().strip().toUpperCase(Locale.ROOT);
            for (E value : values) {
                if (value.name().equals(text)) {
                    return Optional.of(value);
                }
            }
        }
        errors.add(new AdminProblem.FieldError(field, "must be one of " + known));
        return Optional.empty();
    }

    private static Optional<String> text(JsonNode node, String field, List<AdminProblem.FieldError> errors) {
        if (!present(node)) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            errors.add(new AdminProblem.FieldError(field, "must be a string"));
            return Optional.empty();
        }
        return Optional.of(node.textValue());
    }

    private static Optional<ApiKeyId> apiKey(JsonNode node, List<AdminProblem.FieldError> errors) {
        Optional<String> text = text(node, BudgetSpec.API_KEY_ID, errors);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ApiKeyId(UUID.fromString(text.get().strip())));
        } catch (IllegalArgumentException e) {
            errors.add(new AdminProblem.FieldError(BudgetSpec.API_KEY_ID, "must be the id of an API key of the "
                    + "tenant"));
            return Optional.empty();
        }
    }

    private static ZoneId zone(JsonNode node, List<AdminProblem.FieldError> errors) {
        Optional<String> text = text(node, "zone", errors);
        if (text.isEmpty()) {
            return ZoneOffset.UTC;
        }
        String id = text.get().strip();
        try {
            if (id.isEmpty() || id.length() > MAX_ZONE_LENGTH) {
                throw new DateTimeException("not a zone");
            }
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            errors.add(new AdminProblem.FieldError("zone", "must be a time zone such as UTC or Europe/Paris"));
            return ZoneOffset.UTC;
        }
    }

    private static Optional<Money> limit(JsonNode node, List<AdminProblem.FieldError> errors) {
        String field = BudgetSpec.LIMIT_USD;
        String amount = "a string of US dollars above 0 with at most 6 decimals, such as \"12.50\"";
        String expected = "must be " + amount;
        if (!present(node)) {
            errors.add(new AdminProblem.FieldError(field, "is required: " + amount));
            return Optional.empty();
        }
        if (!node.isTextual()) {
            errors.add(new AdminProblem.FieldError(field, expected + " (a string, so that no amount is rounded)"));
            return Optional.empty();
        }
        BigDecimal dollars;
        try {
            dollars = new BigDecimal(node.textValue().strip());
        } catch (NumberFormatException e) {
            errors.add(new AdminProblem.FieldError(field, expected));
            return Optional.empty();
        }
        if (dollars.signum() <= 0) {
            errors.add(new AdminProblem.FieldError(field, "must be above 0"));
        } else if (dollars.stripTrailingZeros().scale() > 6) {
            errors.add(new AdminProblem.FieldError(field,
                    "has more than 6 decimals (the ledger counts micro-dollars)"));
        } else if (dollars.compareTo(MAX_DOLLARS) > 0) {
            errors.add(new AdminProblem.FieldError(field, "must be at most " + MAX_DOLLARS.toPlainString()));
        } else {
            return Optional.of(Money.ofDollars(dollars.toPlainString()));
        }
        return Optional.empty();
    }

    private static List<Integer> alertPercents(JsonNode node, List<AdminProblem.FieldError> errors) {
        if (!present(node)) {
            return List.of();
        }
        String expected = "must be an array of ascending whole percentages from 1 to 100, such as [50, 80, 100]";
        if (!node.isArray() || node.size() > 100) {
            errors.add(new AdminProblem.FieldError(BudgetSpec.ALERT_PERCENTS, expected));
            return List.of();
        }
        List<Integer> percents = new ArrayList<>();
        int previous = 0;
        for (JsonNode item : node) {
            if (!item.isIntegralNumber() || !item.canConvertToInt() || item.intValue() <= previous
                    || item.intValue() > 100) {
                errors.add(new AdminProblem.FieldError(BudgetSpec.ALERT_PERCENTS, expected));
                return List.of();
            }
            previous = item.intValue();
            percents.add(previous);
        }
        return percents;
    }
}
