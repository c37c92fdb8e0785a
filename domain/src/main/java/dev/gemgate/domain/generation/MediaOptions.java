package dev.gemgate.domain.generation;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a media part says about its own processing, read for the token estimate only (the part is forwarded as sent):
 * its {@code mediaResolution} (Gemini 3+) and {@code videoMetadata.fps} (frames sampled per second; Gemini's default
 * is 1).
 */
public record MediaOptions(Optional<MediaResolution> resolution, OptionalDouble fps) {
    public static final MediaOptions NONE = new MediaOptions(Optional.empty(), OptionalDouble.empty());

    public MediaOptions {
        if (resolution == null || fps == null) {
            throw new IllegalArgumentException("options must not be null");
        }
    }

    /** The options of a part's JSON object; fields that are absent or unreadable are simply not set. */
    static MediaOptions of(Map<String, Object> part) {
        Optional<MediaResolution> resolution = MediaResolution.read(part.get("mediaResolution"));
        OptionalDouble fps = JsonTree.object(part, "videoMetadata")
                .map(v -> v.get("fps") instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue())
                        ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty())
                .orElse(OptionalDouble.empty());
        return resolution.isEmpty() && fps.isEmpty() ? NONE : new MediaOptions(resolution, fps);
    }
}
