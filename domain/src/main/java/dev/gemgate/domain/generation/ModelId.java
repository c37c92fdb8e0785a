package dev.gemgate.domain.generation;

import java.util.regex.Pattern;

/** A Gemini model name without the {@code models/} prefix, e.g. {@code gemini-2.5-flash}. */
public record ModelId(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    public ModelId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a model name: " + value);
        }
    }

    /** Accepts both {@code gemini-2.5-flash} and {@code models/gemini-2.5-flash}, as the SDKs send either. */
    public static ModelId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("model name is required");
        }
        String name = text.startsWith("models/") ? text.substring("models/".length()) : text;
        return new ModelId(name);
    }

    public static boolean isValid(String text) {
        if (text == null) {
            return false;
        }
        String name = text.startsWith("models/") ? text.substring("models/".length()) : text;
        return SHAPE.matcher(name).matches();
    }

    public String resourceName() {
        return "models/" + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
