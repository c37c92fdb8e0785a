package dev.gemgate.domain.generation;

import java.math.BigDecimal;
import java.math.BigInteger;
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

    /**
     * A whole number that a {@code long} holds exactly, accepting 40 and 40.0 alike (the Java SDK sends some integers
     * as floats). Anything else is empty, never truncated: {@code 18446744073709551617} is not {@code 1}.
     */
    public static OptionalLong wholeNumber(Map<String, Object> parent, String field) {
        return parent.get(field) instanceof Number n ? exactLong(n) : OptionalLong.empty();
    }

    /** {@code n} as a {@code long} when it is a whole number within the range of a long; empty otherwise. */
    public static OptionalLong exactLong(Number n) {
        switch (n) {
            case Integer i -> {
                return OptionalLong.of(i);
            }
            case Long l -> {
                return OptionalLong.of(l);
            }
            case Short s -> {
                return OptionalLong.of(s);
            }
            case Byte b -> {
                return OptionalLong.of(b);
            }
            case BigInteger big -> {
                return big.bitLength() < Long.SIZE ? OptionalLong.of(big.longValue()) : OptionalLong.empty();
            }
            case BigDecimal decimal -> {
                try {
                    // checks the magnitude before any expansion, so 1E+999999999 costs nothing
                    return OptionalLong.of(decimal.longValueExact());
                } catch (ArithmeticException notWholeOrTooLarge) {
                    return OptionalLong.empty();
                }
            }
            default -> {
                double d = n.doubleValue();
                // 2^63 is the first double above Long.MAX_VALUE; every double in range converts exactly
                if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                    return OptionalLong.of((long) d);
                }
                return OptionalLong.empty();
            }
        }
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
