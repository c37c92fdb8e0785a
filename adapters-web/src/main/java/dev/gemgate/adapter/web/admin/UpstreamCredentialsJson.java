package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.application.upstream.UpstreamCredentialSpec;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.UpstreamCredential;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The upstream pool's admin bodies. A credential is shown without its secret, not even a hint of it; a bad body is one
 * 400 naming every bad field, and no error ever quotes what was sent as a secret.
 */
public final class UpstreamCredentialsJson {
    private static final Set<String> ADD_FIELDS = Set.of(UpstreamCredentialSpec.ID, UpstreamCredentialSpec.MODE,
            UpstreamCredentialSpec.API_KEY, UpstreamCredentialSpec.SERVICE_ACCOUNT_JSON, UpstreamCredentialSpec.WEIGHT,
            UpstreamCredentialSpec.BASE_URL, UpstreamCredentialSpec.VERTEX_PROJECT,
            UpstreamCredentialSpec.VERTEX_LOCATION);
    private static final Set<String> WEIGHT_FIELDS = Set.of(UpstreamCredentialSpec.WEIGHT);

    /** A pool credential on the wire: everything but its secret. */
    @Schema(name = "UpstreamCredential")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(@Schema(example = "gemini-key-2") String id,
                       @Schema(enumeration = {"GEMINI_API_KEY", "VERTEX_AI"}) String mode,
                       @Schema(enumeration = {"CONFIGURATION", "ADMIN"}, description = "CONFIGURATION: the "
                               + "deployment's configured credential (its secret stays in the configuration; it cannot "
                               + "be deleted here); ADMIN: added through this API, its secret stored encrypted")
                       String source,
                       @Schema(example = "1", description = "its share of new calls among the usable credentials, "
                               + "1 to 1000") int weight,
                       @Schema(enumeration = {"ACTIVE", "DRAINING", "DISABLED"}) String status,
                       String baseUrl, String vertexProject, String vertexLocation, Instant createdAt,
                       Instant updatedAt) {
        static View of(CredentialEntry e) {
            return new View(e.id().value(), e.mode().name(), e.source().name(), e.weight(), e.status().name(),
                    e.baseUrl().orElse(null), e.vertexProject().orElse(null), e.vertexLocation().orElse(null),
                    e.createdAt(), e.updatedAt());
        }
    }

    /** The body of a POST of a credential (for the OpenAPI document; parsed by {@link #credential}). */
    @Schema(name = "UpstreamCredentialInput")
    public record Input(@Schema(required = true, example = "gemini-key-2",
                                description = "1 to 64 letters, digits, '.', '_' or '-'") String id,
                        @Schema(required = true, enumeration = {"GEMINI_API_KEY", "VERTEX_AI"}) String mode,
                        @Schema(description = "GEMINI_API_KEY only: the key (at most 1024 characters); never shown "
                                + "again") String apiKey,
                        @Schema(description = "VERTEX_AI only: the service account's JSON key, as text (or as the "
                                + "object itself); never shown again") String serviceAccountJson,
                        @Schema(defaultValue = "1", description = "1 to 1000") Integer weight,
                        @Schema(description = "an absolute http(s) URL to call instead of Google's (an emulator or a "
                                + "proxy)") String baseUrl,
                        @Schema(description = "VERTEX_AI only, required") String vertexProject,
                        @Schema(description = "VERTEX_AI only, required", example = "us-central1")
                        String vertexLocation) {
    }

    @Schema(name = "UpstreamCredentialWeight")
    public record WeightInput(@Schema(required = true, description = "1 to 1000") int weight) {
    }

    record CredentialInput(UpstreamCredentialSpec spec, List<AdminProblem.FieldError> errors) {
    }

    record ParsedWeight(int weight, List<AdminProblem.FieldError> errors) {
    }

    private UpstreamCredentialsJson() {
    }

    static CredentialInput credential(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new CredentialInput(null, errors);
        }
        AdminJson.unknownFields(root, "", ADD_FIELDS, errors);
        Optional<String> id = text(root, UpstreamCredentialSpec.ID, errors);
        Optional<UpstreamCredential.Mode> mode = mode(root.get(UpstreamCredentialSpec.MODE), errors);
        Optional<String> apiKey = secretText(root, UpstreamCredentialSpec.API_KEY, false, errors);
        Optional<String> serviceAccount = secretText(root, UpstreamCredentialSpec.SERVICE_ACCOUNT_JSON, true, errors);
        int weight = 1;
        if (present(root.get(UpstreamCredentialSpec.WEIGHT))) {
            weight = weight(root.get(UpstreamCredentialSpec.WEIGHT), errors);
        }
        Optional<String> baseUrl = text(root, UpstreamCredentialSpec.BASE_URL, errors);
        Optional<String> project = text(root, UpstreamCredentialSpec.VERTEX_PROJECT, errors);
        Optional<String> location = text(root, UpstreamCredentialSpec.VERTEX_LOCATION, errors);
        if (mode.isEmpty()) {
            return new CredentialInput(null, errors);
        }
        boolean vertex = mode.get() == UpstreamCredential.Mode.VERTEX_AI;
        String otherSecret = vertex ? UpstreamCredentialSpec.API_KEY : UpstreamCredentialSpec.SERVICE_ACCOUNT_JSON;
        if (present(root.get(otherSecret))) {
            errors.add(new AdminProblem.FieldError(otherSecret, "is not for " + mode.get() + " (use "
                    + UpstreamCredentialSpec.secretField(mode.get()) + ")"));
        }
        UpstreamCredentialSpec spec = new UpstreamCredentialSpec(id.orElse(null), mode.get(),
                (vertex ? serviceAccount : apiKey).orElse(null), weight, baseUrl, project, location);
        for (Map.Entry<String, String> problem : spec.problems().entrySet()) {
            if (!named(errors, problem.getKey())) {
                errors.add(new AdminProblem.FieldError(problem.getKey(), problem.getValue()));
            }
        }
        return new CredentialInput(errors.isEmpty() ? spec : null, errors);
    }

    static ParsedWeight weightBody(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new ParsedWeight(0, errors);
        }
        AdminJson.unknownFields(root, "", WEIGHT_FIELDS, errors);
        JsonNode node = root.get(UpstreamCredentialSpec.WEIGHT);
        if (!present(node)) {
            errors.add(new AdminProblem.FieldError(UpstreamCredentialSpec.WEIGHT, "is required: a whole number from "
                    + "1 to " + CredentialEntry.MAX_WEIGHT));
            return new ParsedWeight(0, errors);
        }
        return new ParsedWeight(weight(node, errors), errors);
    }

    private static int weight(JsonNode node, List<AdminProblem.FieldError> errors) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            Optional<String> problem = UpstreamCredentialSpec.weightProblem(node.intValue());
            if (problem.isEmpty()) {
                return node.intValue();
            }
        }
        errors.add(new AdminProblem.FieldError(UpstreamCredentialSpec.WEIGHT, "must be a whole number from 1 to "
                + CredentialEntry.MAX_WEIGHT));
        return 1;
    }

    private static Optional<UpstreamCredential.Mode> mode(JsonNode node, List<AdminProblem.FieldError> errors) {
        if (present(node) && node.isTextual()) {
            String text = node.textValue().strip().toUpperCase(Locale.ROOT);
            for (UpstreamCredential.Mode mode : UpstreamCredential.Mode.values()) {
                if (mode.name().equals(text)) {
                    return Optional.of(mode);
                }
            }
        }
        errors.add(new AdminProblem.FieldError(UpstreamCredentialSpec.MODE, present(node)
                ? "must be GEMINI_API_KEY or VERTEX_AI" : "is required: GEMINI_API_KEY or VERTEX_AI"));
        return Optional.empty();
    }

    /** A secret: text (or, for the service account, the JSON object itself); an error never shows what was sent. */
    private static Optional<String> secretText(JsonNode root, String field, boolean objectAllowed,
                                               List<AdminProblem.FieldError> errors) {
        JsonNode node = root.get(field);
        if (!present(node)) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(node.textValue());
        }
        if (objectAllowed && node.isObject()) {
            return Optional.of(node.toString());
        }
        errors.add(new AdminProblem.FieldError(field, objectAllowed ? "must be the JSON key as text or as an object"
                : "must be a string"));
        return Optional.empty();
    }

    private static Optional<String> text(JsonNode root, String field, List<AdminProblem.FieldError> errors) {
        JsonNode node = root.get(field);
        if (!present(node)) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            errors.add(new AdminProblem.FieldError(field, "must be a string"));
            return Optional.empty();
        }
        return Optional.of(node.textValue().strip());
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static boolean named(List<AdminProblem.FieldError> errors, String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }
}
