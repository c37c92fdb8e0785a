package dev.gemgate.domain.generation;

import java.util.Optional;

/**
 * How a model generation counts media tokens, per Google's documentation (checked 2026-11 with the search tool):
 * <ul>
 *   <li>Gemini 2.x (https://ai.google.dev/gemini-api/docs/tokens): an image with both sides at most 384 px is 258
 *       tokens; a larger one is cut and scaled into 768x768 tiles of 258 tokens each. A PDF page counts as an image,
 *       258 tokens (https://ai.google.dev/gemini-api/docs/document-processing). Video is sampled at 1 frame per
 *       second, 258 tokens a frame (66 at MEDIA_RESOLUTION_LOW), plus 32 audio tokens and 7 timestamp tokens per
 *       second: about 300 tokens a second, as the video guide puts it. {@code mediaResolution} does not lower
 *       image or page counts here: Google documents no 2.x image count per level, so the tiles stand.</li>
 *   <li>Gemini 3 and later (https://ai.google.dev/gemini-api/docs/media-resolution, "Token counts"; the figures were
 *       read through third-party copies of that table, which the search tool could not return itself): the level
 *       fixes the most tokens an item may take whatever its size. Images LOW 280, MEDIUM 560, HIGH 1120 (the default),
 *       ULTRA_HIGH 2240 (per part only); PDF pages the same levels, default MEDIUM 560; video frames 70 at LOW and
 *       MEDIUM (the default), 280 at HIGH; ULTRA_HIGH frames are not documented and counted as 560. A part's own
 *       {@code mediaResolution} overrides the request's.</li>
 * </ul>
 * Audio is 32 tokens a second in every generation (https://ai.google.dev/gemini-api/docs/audio). A level the gateway
 * does not know counts as the highest.
 */
enum MediaCounting {
    GEMINI_2 {
        @Override
        long image(Optional<ImageSize> size, Optional<MediaResolution> level) {
            if (size.isEmpty()) {
                return UNKNOWN_IMAGE_TILES * TOKENS_PER_TILE;
            }
            long width = size.get().width();
            long height = size.get().height();
            if (width <= SMALL_IMAGE_EDGE && height <= SMALL_IMAGE_EDGE) {
                return TOKENS_PER_TILE;
            }
            // sides are at most 2^32 px (32-bit headers): the product cannot overflow
            return ceilDiv(width, TILE_EDGE) * ceilDiv(height, TILE_EDGE) * TOKENS_PER_TILE;
        }

        @Override
        long pdfPage(Optional<MediaResolution> level) {
            return TOKENS_PER_TILE;
        }

        @Override
        long videoFrame(Optional<MediaResolution> level) {
            return level.orElse(MediaResolution.MEDIUM) == MediaResolution.LOW ? 66 : TOKENS_PER_TILE;
        }

        @Override
        Optional<MediaResolution> level(MediaOptions part, Optional<MediaResolution> request) {
            return request; // per-part levels are a Gemini 3 feature
        }
    },
    GEMINI_3 {
        @Override
        long image(Optional<ImageSize> size, Optional<MediaResolution> level) {
            return switch (level.orElse(MediaResolution.HIGH)) {
                case LOW -> 280;
                case MEDIUM -> 560;
                case HIGH -> 1120;
                case ULTRA_HIGH, UNRECOGNISED -> 2240;
            };
        }

        @Override
        long pdfPage(Optional<MediaResolution> level) {
            return image(Optional.empty(), Optional.of(level.orElse(MediaResolution.MEDIUM)));
        }

        @Override
        long videoFrame(Optional<MediaResolution> level) {
            return switch (level.orElse(MediaResolution.MEDIUM)) {
                case LOW, MEDIUM -> 70;
                case HIGH -> 280;
                case ULTRA_HIGH, UNRECOGNISED -> 560;
            };
        }

        @Override
        Optional<MediaResolution> level(MediaOptions part, Optional<MediaResolution> request) {
            return part.resolution().or(() -> request);
        }
    };

    static final long TOKENS_PER_TILE = 258;
    static final long SMALL_IMAGE_EDGE = 384;
    static final long TILE_EDGE = 768;
    /** An image whose size cannot be read counts as a 12-megapixel photo (4032x3024): 6 x 4 tiles. */
    static final long UNKNOWN_IMAGE_TILES = 24;
    static final long AUDIO_TOKENS_PER_SECOND = 32;
    static final long TIMESTAMP_TOKENS_PER_SECOND = 7;

    abstract long image(Optional<ImageSize> size, Optional<MediaResolution> level);

    abstract long pdfPage(Optional<MediaResolution> level);

    abstract long videoFrame(Optional<MediaResolution> level);

    /** The level that applies to a part. */
    abstract Optional<MediaResolution> level(MediaOptions part, Optional<MediaResolution> request);

    /** Video: frames at the part's fps (1 by default), audio and timestamps per second. */
    long video(double seconds, MediaOptions part, Optional<MediaResolution> request) {
        long wholeSeconds = Math.max(1, (long) Math.ceil(seconds));
        long frames = Math.max(1, (long) Math.ceil(seconds * part.fps().orElse(1.0)));
        return wholeSeconds * (AUDIO_TOKENS_PER_SECOND + TIMESTAMP_TOKENS_PER_SECOND)
                + frames * videoFrame(level(part, request));
    }

    long audio(double seconds) {
        return Math.max(1, (long) Math.ceil(seconds)) * AUDIO_TOKENS_PER_SECOND;
    }

    /** Gemini 3 counting for {@code gemini-3*} and every later generation; 2.x counting for the rest. */
    static MediaCounting forModel(ModelId model) {
        String name = model.value(); // no regex: this runs for every request
        if (!name.startsWith("gemini-")) {
            return GEMINI_2;
        }
        int at = "gemini-".length();
        int end = at;
        while (end < name.length() && name.charAt(end) >= '0' && name.charAt(end) <= '9') {
            end++;
        }
        if (end == at || end < name.length() && name.charAt(end) != '.' && name.charAt(end) != '-') {
            return GEMINI_2; // gemini-exp-1206, gemini-2x: not a generation number
        }
        return end - at > 1 || name.charAt(at) >= '3' ? GEMINI_3 : GEMINI_2;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
