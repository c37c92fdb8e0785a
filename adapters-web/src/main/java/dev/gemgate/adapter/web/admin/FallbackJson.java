package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.application.upstream.GetFallbackPolicy;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON of a tenant's fallback policy on the admin API, read from the tree so that every wrong field is named in one
 * 400: an unknown field, {@code strict} that is not a boolean, {@code chains} that is not an object, a requested model
 * that is not a model name ({@code chains.<name>}), a chain that is not a list of model names, lists more than
 * {@link FallbackPolicy#MAX_CHAIN}, repeats a model or names its own model ({@code chains.<model>}), more than
 * {@link FallbackPolicy#MAX_MODELS} chains ({@code chains}). Model names are given with or without {@code models/}.
 * Whether each model has a price is the use case's check (a 400 naming {@code chains.<model>} as well).
 */
public final class FallbackJson {
    private static final Set<String> FIELDS = Set.of("strict", "chains");
    private static final int MAX_SHOWN_NAME = 64;

    /** A tenant's fallback policy on the wire (GET, and the answer to PUT). */
    @Schema(name = "FallbackPolicy")
    public record View(@Schema(description = "true: the tenant's policy is stored; false: it has none of its own "
            + "(the default shown: not strict, no chains of its own)") boolean stored,
                       @Schema(description = "true: the tenant's requests are only ever served by the model they "
                               + "name, whatever the chains say") boolean strict,
                       @Schema(description = "the tenant's own chain per requested model, in the order tried; a "
                               + "model named here replaces the configured chain of that model (an empty list: no "
                               + "fallback for it)", example = "{\"gemini-3.1-pro-preview\": [\"gemini-3.6-flash\"]}")
                       Map<String, List<String>> chains,
                       @Schema(description = "the configured chains (gemgate.upstream.fallback.*), which apply to "
                               + "every model the tenant's chains do not name, unless it is strict")
                       Map<String, List<String>> configuredChains) {
        static View of(GetFallbackPolicy.Result result) {
            FallbackPolicy policy = result.policy();
            return new View(result.stored().isPresent(), policy.strict(), names(policy.chains()),
                    names(result.configured()));
        }
    }

    /** The body of a PUT. */
    @Schema(name = "FallbackPolicyInput")
    public record Input(@Schema(description = "default false") Boolean strict,
                        @Schema(description = "per requested model, at most " + FallbackPolicy.MAX_CHAIN
                                + " models to try in order, none twice and never the model itself; at most "
                                + FallbackPolicy.MAX_MODELS + " models (default none)",
                                example = "{\"gemini-3.1-pro-preview\": [\"gemini-3.6-flash\"]}")
                        Map<String, List<String>> chains) {
    }

    /** The parsed body of a PUT, or the errors that refuse it. */
    record PolicyInput(FallbackPolicy policy, List<AdminProblem.FieldError> errors) {
    }

    private FallbackJson() {
    }

    static PolicyInput policy(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new PolicyInput(null, errors);
        }
        AdminJson.unknownFields(root, "", FIELDS, errors);
        boolean strict = false;
        JsonNode strictNode = root.get("strict");
        if (present(strictNode)) {
            if (strictNode.isBoolean()) {
                strict = strictNode.booleanValue();
            } else {
                errors.add(new AdminProblem.FieldError("strict", "must be true or false"));
            }
        }
        Map<ModelId, List<ModelId>> chains = chains(root.get("chains"), errors);
        return new PolicyInput(errors.isEmpty() ? new FallbackPolicy(strict, chains) : null, errors);
    }

    private static Map<ModelId, List<ModelId>> chains(JsonNode node, List<AdminProblem.FieldError> errors) {
        Map<ModelId, List<ModelId>> chains = new LinkedHashMap<>();
        if (!present(node)) {
            return chains;
        }
        if (!node.isObject()) {
            errors.add(new AdminProblem.FieldError("chains", "must be an object: per requested model, the list of "
                    + "models to fall back to"));
            return chains;
        }
        if (node.size() > FallbackPolicy.MAX_MODELS) {
            errors.add(new AdminProblem.FieldError("chains", "names at most " + FallbackPolicy.MAX_MODELS
                    + " models"));
            return chains;
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String field = "chains." + shown(entry.getKey());
            if (!ModelId.isValid(entry.getKey())) {
                errors.add(new AdminProblem.FieldError(field, "is not a model name (e.g. gemini-3.6-flash)"));
                continue;
            }
            ModelId model = ModelId.parse(entry.getKey());
            field = "chains." + model.value();
            if (chains.containsKey(model)) {
                errors.add(new AdminProblem.FieldError(field, "is named twice (with and without models/)"));
                continue;
            }
            List<ModelId> chain = chain(entry.getValue(), model, field, errors);
            if (chain != null) {
                chains.put(model, chain);
            }
        }
        return chains;
    }

    private static List<ModelId> chain(JsonNode node, ModelId model, String field,
                                       List<AdminProblem.FieldError> errors) {
        if (node == null || !node.isArray()) {
            errors.add(new AdminProblem.FieldError(field, "must be a list of model names ([] for no fallback)"));
            return null;
        }
        Set<ModelId> chain = new LinkedHashSet<>();
        boolean valid = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual() || !ModelId.isValid(element.textValue())) {
                errors.add(new AdminProblem.FieldError(field + "[" + i + "]", "is not a model name "
                        + "(e.g. gemini-3.6-flash)"));
                valid = false;
                continue;
            }
            ModelId fallback = ModelId.parse(element.textValue());
            if (fallback.equals(model) || !chain.add(fallback)) {
                errors.add(new AdminProblem.FieldError(field, "repeats models/" + fallback.value()
                        + " or names the model itself"));
                valid = false;
            }
        }
        if (node.size() > FallbackPolicy.MAX_CHAIN) {
            errors.add(new AdminProblem.FieldError(field, "lists at most " + FallbackPolicy.MAX_CHAIN + " models"));
            valid = false;
        }
        return valid ? List.copyOf(chain) : null;
    }

    private static Map<String, List<String>> names(Map<ModelId, List<ModelId>> chains) {
        Map<String, List<String>> names = new TreeMap<>();
        chains.forEach((model, chain) -> names.put(model.value(), chain.stream().map(ModelId::value).toList()));
        return names;
    }

    private static String shown(String name) {
        return name.length() <= MAX_SHOWN_NAME ? name : name.substring(0, MAX_SHOWN_NAME) + "…";
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }
}
