package dev.gemgate.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Fields merged into every generated response and streamed chunk: material for byte-identical pass-through tests
 * (fields Google might add later). Decimals keep their digits ({@code 2.50} stays {@code 2.50}).
 *
 * <p>Merge rule: an object merges into the response's object of the same name field by field, recursively; an array
 * merges into the response's array of the same name element by element (elements beyond the response's length are
 * ignored); anything else (a new field, a scalar, a type mismatch) is set as given, replacing what was there.
 */
final class ResponseExtras {

    /** Reads decimals as BigDecimal, keeping trailing zeros, so they are written back with the same digits. */
    static final ObjectMapper EXACT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private ResponseExtras() {
    }

    /** A private copy of {@code extras} (a JSON object), or null for none (null or empty). */
    static ObjectNode of(JsonNode extras) {
        if (extras == null || extras.isNull() || (extras.isObject() && extras.isEmpty())) {
            return null;
        }
        if (!extras.isObject()) {
            throw new IllegalArgumentException("response extras must be a JSON object, not " + extras.getNodeType());
        }
        return EXACT_JSON.valueToTree(extras);
    }

    static ObjectNode of(Map<String, ?> extras) {
        return extras == null ? null : of((JsonNode) EXACT_JSON.valueToTree(extras));
    }

    static ObjectNode parse(String json) {
        try {
            return of(EXACT_JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("response extras are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Merges {@code extras} into {@code target} (see the class comment); null extras change nothing. */
    static void merge(ObjectNode target, ObjectNode extras) {
        if (extras == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : extras.properties()) {
            JsonNode existing = target.get(field.getKey());
            JsonNode value = field.getValue();
            if (existing instanceof ObjectNode object && value instanceof ObjectNode more) {
                merge(object, more);
            } else if (existing instanceof ArrayNode array && value instanceof ArrayNode more) {
                merge(array, more);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }

    private static void merge(ArrayNode target, ArrayNode extras) {
        for (int i = 0; i < Math.min(target.size(), extras.size()); i++) {
            JsonNode existing = target.get(i);
            JsonNode value = extras.get(i);
            if (existing instanceof ObjectNode object && value instanceof ObjectNode more) {
                merge(object, more);
            } else if (existing instanceof ArrayNode array && value instanceof ArrayNode more) {
                merge(array, more);
            } else {
                target.set(i, value.deepCopy());
            }
        }
    }
}
