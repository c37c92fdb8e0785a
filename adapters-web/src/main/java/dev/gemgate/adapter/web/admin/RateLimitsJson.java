package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.application.tenant.SetTenantRateLimits;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.RateLimits;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON of rate-limit overrides on the admin API, read from the tree (not by data binding) so that every wrong
 * field is named in one 400: an unknown field, a value that is not a whole number, or one outside 1 to 10^11, a
 * priority that is not HIGH, NORMAL or LOW. {@code null} or an absent field inherits the configured default.
 */
public final class RateLimitsJson {
    private static final List<String> LIMIT_FIELDS = List.of(LimitOverrides.REQUESTS_PER_MINUTE,
            LimitOverrides.TOKENS_PER_MINUTE, LimitOverrides.REQUESTS_PER_DAY, LimitOverrides.CONCURRENT_REQUESTS);
    private static final String PRIORITIES = Arrays.stream(PriorityClass.values()).map(Enum::name)
            .collect(Collectors.joining(", "));

    /** One scope's limits: in an override, null inherits the default; in what is in force, null is no limit. */
    @Schema(name = "RateLimitValues", description = "Each from 1 to 100000000000. In an override null (or absent) "
            + "inherits the configured default; in the effective limits null means no limit.")
    public record Limits(@Schema(example = "600") Long requestsPerMinute, Long tokensPerMinute, Long requestsPerDay,
                  Long concurrentRequests) {
        static Limits of(LimitOverrides o) {
            return new Limits(boxed(o.requestsPerMinute()), boxed(o.tokensPerMinute()), boxed(o.requestsPerDay()),
                    boxed(o.concurrentRequests()));
        }

        static Limits of(RateLimits l) {
            return new Limits(boxed(l.requestsPerMinute()), boxed(l.tokensPerMinute()), boxed(l.requestsPerDay()),
                    boxed(l.concurrentRequests()));
        }

        private static Long boxed(OptionalLong value) {
            return value.isPresent() ? value.getAsLong() : null;
        }
    }

    /** A tenant's limits: its own (all its keys and models together), per model, and its priority class. */
    @Schema(name = "TenantRateLimitValues")
    public record TenantLimits(@Schema(description = "the tenant's own limits, all its keys and models together")
                        Limits tenant,
                        @Schema(description = "the tenant's limits on each of its models") Limits tenantModel,
                        @Schema(enumeration = {"HIGH", "NORMAL", "LOW"},
                                description = "the class of its requests when they wait for admission")
                        String priority) {
    }

    /** The parsed body of a tenant's PUT, or the errors that refuse it. */
    record TenantInput(LimitOverrides tenant, LimitOverrides tenantModel, Optional<PriorityClass> priority,
                       List<AdminProblem.FieldError> errors) {
    }

    /** The parsed body of a key's PUT, or the errors that refuse it. */
    record KeyInput(LimitOverrides limits, List<AdminProblem.FieldError> errors) {
    }

    private RateLimitsJson() {
    }

    static TenantInput tenant(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new TenantInput(LimitOverrides.NONE, LimitOverrides.NONE, Optional.empty(), errors);
        }
        AdminJson.unknownFields(root, "", Set.of("tenant", "tenantModel", "priority"), errors);
        LimitOverrides tenant = limits(root.get("tenant"), "tenant", errors);
        LimitOverrides tenantModel = limits(root.get("tenantModel"), "tenantModel", errors);
        return new TenantInput(tenant, tenantModel, priority(root.get("priority"), errors), errors);
    }

    static KeyInput key(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        return new KeyInput(root == null ? LimitOverrides.NONE : limits(root, "", errors), errors);
    }

    /** One scope's four limits from {@code node} (absent or null: nothing overridden). */
    private static LimitOverrides limits(JsonNode node, String scope, List<AdminProblem.FieldError> errors) {
        if (node == null || node.isNull()) {
            return LimitOverrides.NONE;
        }
        if (!node.isObject()) {
            errors.add(new AdminProblem.FieldError(scope, "must be an object with " + String.join(", ", LIMIT_FIELDS)));
            return LimitOverrides.NONE;
        }
        String prefix = scope.isEmpty() ? "" : scope + ".";
        AdminJson.unknownFields(node, prefix, Set.copyOf(LIMIT_FIELDS), errors);
        OptionalLong[] values = new OptionalLong[LIMIT_FIELDS.size()];
        int before = errors.size();
        for (int i = 0; i < values.length; i++) {
            values[i] = value(node.get(LIMIT_FIELDS.get(i)), prefix + LIMIT_FIELDS.get(i), errors);
        }
        if (errors.size() > before) {
            return LimitOverrides.NONE;
        }
        return SetTenantRateLimits.limits(scope, values[0], values[1], values[2], values[3]);
    }

    private static OptionalLong value(JsonNode node, String field, List<AdminProblem.FieldError> errors) {
        if (node == null || node.isNull()) {
            return OptionalLong.empty();
        }
        String expected = "must be a whole number from 1 to " + RateLimits.MAX + " (or null to inherit the default)";
        if (!node.isIntegralNumber()) {
            errors.add(new AdminProblem.FieldError(field, expected + ", not " + kind(node)));
            return OptionalLong.empty();
        }
        if (!node.canConvertToLong() || LimitOverrides.problemWith(node.longValue()) != null) {
            errors.add(new AdminProblem.FieldError(field, expected + ", not " + node.asText()));
            return OptionalLong.empty();
        }
        return OptionalLong.of(node.longValue());
    }

    private static Optional<PriorityClass> priority(JsonNode node, List<AdminProblem.FieldError> errors) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            for (PriorityClass priority : PriorityClass.values()) {
                if (priority.name().equals(node.textValue())) {
                    return Optional.of(priority);
                }
            }
        }
        errors.add(new AdminProblem.FieldError("priority", "must be one of " + PRIORITIES
                + " (or null to inherit NORMAL)"));
        return Optional.empty();
    }

    /** A number's kind for a message (never the value of a string: it may be anything a caller pasted). */
    private static String kind(JsonNode node) {
        if (node.isNumber()) {
            return "a number with a fraction or an exponent";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.isArray() ? "an array" : "an object";
    }
}
