package dev.gemgate.domain.tenant;

import dev.gemgate.domain.generation.ModelId;

import java.util.regex.Pattern;

/**
 * A model a key may use: an exact name ({@code gemini-2.5-flash}) or a prefix ending in {@code *}
 * ({@code gemini-3.*} allows every model whose name starts with {@code gemini-3.}). {@code models/} in front is
 * accepted and dropped. A lone {@code *} is refused: an unrestricted key simply has no model scope.
 */
public record ModelPattern(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}\\*?");

    public ModelPattern {
        if (value == null) {
            throw new IllegalArgumentException("a model pattern is required");
        }
        value = value.strip();
        if (value.startsWith("models/")) {
            value = value.substring("models/".length());
        }
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a model name or a prefix ending in * "
                    + "(lower-case letters, digits, '.', '_' and '-', e.g. gemini-2.5-flash or gemini-3.*)");
        }
    }

    public boolean isPrefix() {
        return value.endsWith("*");
    }

    public boolean matches(ModelId model) {
        return isPrefix() ? model.value().startsWith(value.substring(0, value.length() - 1))
                : model.value().equals(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
