package dev.gemgate.application.admin;

import dev.gemgate.application.generation.Outcomes;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON text of an admin audit event's before/after states: objects, arrays, strings, numbers, booleans and null
 * (an empty {@code Optional} is null, an {@code Instant} its ISO-8601 text). Every string passes through
 * {@link Outcomes#maskSecrets}: a tenant may paste a token into its metadata, and audit rows outlive everything.
 * Hand-written because the application module depends on the domain only.
 */
final class AuditJson {
    private AuditJson() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case Optional<?> o -> write(out, o.orElse(null));
            case String s -> string(out, Outcomes.maskSecrets(s));
            case Instant i -> string(out, i.toString());
            case Enum<?> e -> string(out, e.name());
            case Boolean b -> out.append(b);
            case Number n -> out.append(n);
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : m.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, Outcomes.maskSecrets(String.valueOf(entry.getKey())));
                    out.append(':');
                    write(out, entry.getValue());
                }
                out.append('}');
            }
            case Collection<?> c -> {
                out.append('[');
                boolean first = true;
                for (Object item : c) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(out, item);
                }
                out.append(']');
            }
            default -> string(out, Outcomes.maskSecrets(value.toString()));
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
