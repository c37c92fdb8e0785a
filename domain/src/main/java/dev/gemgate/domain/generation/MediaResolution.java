package dev.gemgate.domain.generation;

import java.util.Locale;
import java.util.Optional;

/**
 * Gemini's {@code mediaResolution}: set for a whole request ({@code generationConfig.mediaResolution}, every
 * multimodal model) or per part ({@code parts[].mediaResolution.level}, Gemini 3 and later; ULTRA_HIGH is per part
 * only). See https://ai.google.dev/gemini-api/docs/media-resolution.
 */
public enum MediaResolution {
    LOW, MEDIUM, HIGH, ULTRA_HIGH,
    /** A level this gateway does not know yet: estimated as the highest known, so a new level never under-reserves. */
    UNRECOGNISED;

    /**
     * The level a JSON value names: {@code "MEDIA_RESOLUTION_HIGH"} (any case, with or without the prefix) or, as the
     * per-part field is shaped, {@code {"level": "MEDIA_RESOLUTION_HIGH"}}. Empty for absent or UNSPECIFIED; never
     * refuses (Google validates the field; the gateway only reads it for its estimate).
     */
    @SuppressWarnings("unchecked")
    public static Optional<MediaResolution> read(Object value) {
        if (value instanceof java.util.Map<?, ?> object) {
            value = ((java.util.Map<String, Object>) object).get("level");
        }
        if (!(value instanceof String text)) {
            return Optional.empty();
        }
        String name = text.strip().toUpperCase(Locale.ROOT);
        if (name.startsWith("MEDIA_RESOLUTION_")) {
            name = name.substring("MEDIA_RESOLUTION_".length());
        }
        return switch (name) {
            case "", "UNSPECIFIED" -> Optional.empty();
            case "LOW" -> Optional.of(LOW);
            case "MEDIUM" -> Optional.of(MEDIUM);
            case "HIGH" -> Optional.of(HIGH);
            case "ULTRA_HIGH" -> Optional.of(ULTRA_HIGH);
            default -> Optional.of(UNRECOGNISED);
        };
    }
}
