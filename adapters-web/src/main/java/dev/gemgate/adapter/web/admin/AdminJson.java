package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every admin body reader checks alike, each problem added as a field error so that one 400 names them all: the
 * body is one JSON object (a repeated field is refused, never silently the last one), and names no field it does not
 * know.
 */
final class AdminJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int MAX_SHOWN_NAME = 64;

    private AdminJson() {
    }

    /** The body as a JSON object, or null with the reason in {@code errors} (field {@code body}). */
    static JsonNode object(String body, List<AdminProblem.FieldError> errors) {
        if (body == null || body.isBlank()) {
            errors.add(new AdminProblem.FieldError("body", "is required: a JSON object"));
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            errors.add(new AdminProblem.FieldError("body", "is not valid JSON (or repeats a field)"));
            return null;
        }
        if (root == null || !root.isObject()) {
            errors.add(new AdminProblem.FieldError("body", "must be a JSON object"));
            return null;
        }
        return root;
    }

    /**
     * One error per field of {@code object} not in {@code known}, named {@code prefix + name} (a long name cut to 64
     * characters: it may be anything a caller pasted), listing the known fields.
     */
    static void unknownFields(JsonNode object, String prefix, Set<String> known,
                              List<AdminProblem.FieldError> errors) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            String name = fields.next().getKey();
            if (!known.contains(name)) {
                String shown = name.length() <= MAX_SHOWN_NAME ? name : name.substring(0, MAX_SHOWN_NAME) + "…";
                errors.add(new AdminProblem.FieldError(prefix + shown, "is not a known field (known: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")"));
            }
        }
    }
}
