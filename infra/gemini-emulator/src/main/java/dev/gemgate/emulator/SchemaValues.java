package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A deterministic JSON value that conforms to a schema: Gemini's OpenAPI subset ({@code responseSchema},
 * {@code parameters}: types in upper case) or plain JSON Schema ({@code responseJsonSchema},
 * {@code parametersJsonSchema}). Used for structured output and for function call arguments.
 *
 * <p>The rules, in order: a local {@code $ref} ({@code #/...}) is followed; {@code const} gives its value; a non-empty
 * {@code enum} its first value; {@code anyOf}/{@code oneOf} the first alternative that is not {@code null},
 * {@code allOf} its first element. Then by {@code type} (any case; in a type array the first that is not "null"; without
 * one: object when there are {@code properties}, array when there are {@code items}, else string): object → an object
 * with its properties (see {@link Properties}), in {@code propertyOrdering} order when given, else as declared; array →
 * {@code max(1, minItems)} items; string → the property's name, or the given text at the top level or for items of a
 * top-level array (format {@code date-time} "2026-01-01T00:00:00Z", {@code date} "2026-01-01", {@code email}
 * "user@example.com", {@code uuid} "00000000-0000-4000-8000-000000000000"; cut to {@code maxLength}); integer and
 * number → 1 (raised to {@code minimum}, lowered to {@code maximum}); boolean → true; null → null. Nesting deeper than
 * {@value #MAX_DEPTH} levels gives null.
 */
final class SchemaValues {

    /** Which properties of an object are filled. */
    enum Properties {
        /** Every declared property (structured output). */
        ALL,
        /** The {@code required} ones, or every declared property when none is required (function call arguments). */
        REQUIRED_ELSE_ALL
    }

    static final int MAX_DEPTH = 16;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode root;
    private final String text;
    private final Properties rule;

    private SchemaValues(JsonNode root, String text, Properties rule) {
        this.root = root;
        this.text = text;
        this.rule = rule;
    }

    /** The value for {@code schema}; {@code text} fills strings that have no property name. */
    static JsonNode of(JsonNode schema, String text, Properties rule) {
        return new SchemaValues(schema, text, rule).value(schema, null, 0);
    }

    private JsonNode value(JsonNode schema, String name, int depth) {
        if (depth > MAX_DEPTH) {
            return NODES.nullNode();
        }
        if (schema == null || !schema.isObject()) {
            return NODES.textNode(name != null ? name : text);
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
            return value(root.at(ref.asText().substring(1)), name, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const").deepCopy();
        }
        JsonNode enumValues = schema.get("enum");
        if (enumValues != null && enumValues.isArray() && !enumValues.isEmpty()) {
            return enumValues.get(0).deepCopy();
        }
        for (String union : new String[] {"anyOf", "oneOf"}) {
            JsonNode alternatives = schema.get(union);
            if (alternatives != null && alternatives.isArray() && !alternatives.isEmpty()) {
                JsonNode chosen = alternatives.get(0);
                for (JsonNode alternative : alternatives) {
                    if (!"null".equals(type(alternative))) {
                        chosen = alternative;
                        break;
                    }
                }
                return value(chosen, name, depth + 1);
            }
        }
        JsonNode allOf = schema.get("allOf");
        if (allOf != null && allOf.isArray() && !allOf.isEmpty()) {
            return value(allOf.get(0), name, depth + 1);
        }
        String type = type(schema);
        return switch (type) {
            case "object" -> object(schema, depth);
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                int n = Math.max(1, schema.path("minItems").asInt(1));
                for (int i = 0; i < n; i++) {
                    array.add(value(schema.get("items"), name, depth + 1));
                }
                yield array;
            }
            case "integer", "number" -> NODES.numberNode(number(schema));
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(string(schema, name));
        };
    }

    private ObjectNode object(JsonNode schema, int depth) {
        ObjectNode object = NODES.objectNode();
        JsonNode properties = schema.path("properties");
        List<String> declared = new ArrayList<>();
        JsonNode ordering = schema.get("propertyOrdering");
        if (ordering != null && ordering.isArray()) {
            ordering.forEach(n -> declared.add(n.asText()));
        }
        properties.fieldNames().forEachRemaining(n -> {
            if (!declared.contains(n)) {
                declared.add(n);
            }
        });
        Set<String> names = new LinkedHashSet<>(declared);
        JsonNode required = schema.get("required");
        if (rule == Properties.REQUIRED_ELSE_ALL && required != null && required.isArray() && !required.isEmpty()) {
            Set<String> wanted = new LinkedHashSet<>();
            required.forEach(n -> wanted.add(n.asText()));
            names.retainAll(wanted);
            names.addAll(wanted);
        }
        for (String property : names) {
            object.set(property, value(properties.get(property), property, depth + 1));
        }
        return object;
    }

    /** The schema's type in lower case (see the class comment). */
    private static String type(JsonNode schema) {
        JsonNode type = schema == null ? null : schema.get("type");
        if (type != null && type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equalsIgnoreCase(t.asText())) {
                    return t.asText().toLowerCase(Locale.ROOT);
                }
            }
            return type.isEmpty() ? "string" : "null";
        }
        if (type != null && type.isTextual() && !type.asText().isEmpty()
                && !type.asText().equalsIgnoreCase("TYPE_UNSPECIFIED")) {
            return type.asText().toLowerCase(Locale.ROOT);
        }
        if (schema != null && schema.has("properties")) {
            return "object";
        }
        if (schema != null && schema.has("items")) {
            return "array";
        }
        return "string";
    }

    private static long number(JsonNode schema) {
        long n = 1;
        JsonNode minimum = schema.get("minimum");
        if (minimum != null && minimum.isNumber() && minimum.asDouble() > n) {
            n = (long) Math.ceil(minimum.asDouble());
        }
        JsonNode maximum = schema.get("maximum");
        if (maximum != null && maximum.isNumber() && maximum.asDouble() < n) {
            n = (long) Math.floor(maximum.asDouble());
        }
        return n;
    }

    private String string(JsonNode schema, String name) {
        String s = switch (schema.path("format").asText("").toLowerCase(Locale.ROOT)) {
            case "date-time" -> "2026-01-01T00:00:00Z";
            case "date" -> "2026-01-01";
            case "email" -> "user@example.com";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            default -> name != null ? name : text;
        };
        JsonNode maxLength = schema.get("maxLength");
        if (maxLength != null && maxLength.canConvertToInt() && maxLength.asInt() >= 0
                && s.codePointCount(0, s.length()) > maxLength.asInt()) {
            s = s.substring(0, s.offsetByCodePoints(0, maxLength.asInt()));
        }
        return s;
    }
}
