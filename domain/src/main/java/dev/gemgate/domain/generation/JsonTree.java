package dev.gemgate.domain.generation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Read helpers over a JSON document held as plain Java values: {@code Map<String,Object>} objects,
 * {@code List<Object>} arrays, {@code String}, {@code Number}, {@code Boolean} and {@code null}. The domain keeps
 * request and response bodies in this form so that a gateway can forward fields it does not know untouched,
 * without depending on any JSON library.
 */
public final class JsonTree {
    private JsonTree() {
    }

    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> object(Map<String, Object> parent, String field) {
        Object value = parent.get(field);
        return value instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    public static Optional<List<Object>> array(Map<String, Object> parent, String field) {
        Object value = parent.get(field);
        return value instanceof List<?> l ? Optional.of((List<Object>) l) : Optional.empty();
    }

    public static Optional<String> string(Map<String, Object> parent, String field) {
        return parent.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** A whole number, accepting 40 and 40.0 alike (the Java SDK sends some integers as floats). */
    public static OptionalLong wholeNumber(Map<String, Object> parent, String field) {
        Object value = parent.get(field);
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d)) {
                return OptionalLong.of(n.longValue());
            }
        }
        return OptionalLong.empty();
    }

    public static boolean isObject(Object value) {
        return value instanceof Map<?, ?>;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value) {
        return (Map<String, Object>) value;
    }

    /** A shallow copy with one field replaced, leaving the rest (and unknown fields) as they were. */
    public static Map<String, Object> with(Map<String, Object> object, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(object);
        copy.put(field, value);
        return Collections.unmodifiableMap(copy);
    }
}
