package dev.gemgate.domain.generation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Estimates a request's tokens locally, before the call, for quota admission and budget reservation. The exact count
 * always comes from the upstream's usageMetadata afterwards; the estimate errs high, as a reservation must
 * (ARCHITECTURE.md: reservations are upper bounds), without reserving for the impossible.
 *
 * <p><b>Text</b> counts one token per started run of four characters in each word or number, plus one per
 * punctuation mark (close to SentencePiece on English prose, and never far below it). Parts of kinds the gateway does
 * not inspect (function calls and responses, ...) count as the text of their JSON.
 *
 * <p><b>Inline media</b> is counted the way the model's generation counts it ({@link MediaCounting}: Gemini 2.x tiles
 * by image size, Gemini 3+ fixed counts per {@code mediaResolution} level, the part's own level first), from what
 * {@link InlineMedia} read in the bytes' headers:
 * <ul>
 *   <li>images by their size (an unreadable size counts as a 4032x3024 photo on 2.x);</li>
 *   <li>PDFs per page (an uncountable PDF as {@value #UNKNOWN_PDF_PAGES} pages, Google's per-file maximum);</li>
 *   <li>text documents as text;</li>
 *   <li>audio at 32 tokens a second; video per second (audio, timestamps) plus one frame per second or per the
 *       part's {@code videoMetadata.fps}. A duration comes from the header when it is plausible (the implied bit rate
 *       at most {@value #MAX_AUDIO_BITS_PER_SECOND} bit/s for audio, {@value #MAX_VIDEO_BITS_PER_SECOND} for video);
 *       otherwise, and for formats without a cheap duration (MPEG streams, FLV, WMV), from the byte size at the
 *       lowest plausible bit rate, {@value #MIN_AUDIO_BYTES_PER_SECOND} bytes/s for audio (Gemini keeps 16 kbit/s of
 *       audio) and {@value #MIN_VIDEO_BYTES_PER_SECOND} bytes/s (100 kbit/s) for video. Audio is capped at Gemini's
 *       9.5 hours per prompt.</li>
 * </ul>
 *
 * <p><b>fileData</b> parts are fetched by the upstream; the gateway never sees their bytes, so they count as the
 * largest file of their declared type that {@link MediaBounds} allows: an image at the generation's unknown-size
 * cost, a PDF at {@code filePdfPages} pages, audio at {@code fileAudioSeconds}, video (and YouTube links) at
 * {@code fileVideoSeconds}, anything else at {@code fileTextTokens}.
 *
 * <p>The total is capped at {@link MediaBounds#maxInputTokens()}: a prompt above the model's input limit is refused
 * unbilled, so no call bills more.
 */
public final class TokenEstimator {
    /** Gemini 2.x's count for an image up to 384x384 px, a 768x768 tile, a PDF page or a video frame. */
    public static final long TOKENS_PER_MEDIA_PART = MediaCounting.TOKENS_PER_TILE;
    static final long UNKNOWN_PDF_PAGES = 1_000;
    static final long MAX_AUDIO_BITS_PER_SECOND = 40_000_000;
    static final long MAX_VIDEO_BITS_PER_SECOND = 200_000_000;
    static final long MIN_AUDIO_BYTES_PER_SECOND = 2_000;
    static final long MIN_VIDEO_BYTES_PER_SECOND = 12_500;
    static final double MAX_AUDIO_SECONDS = 9.5 * 3600;

    private final MediaBounds bounds;

    public TokenEstimator() {
        this(MediaBounds.defaults());
    }

    public TokenEstimator(MediaBounds bounds) {
        if (bounds == null) {
            throw new IllegalArgumentException("bounds are required");
        }
        this.bounds = bounds;
    }

    /**
     * Input tokens of the request for its model, as close to Gemini's count as the gateway can tell (for rate limits).
     * Inspects the inline parts if nothing did yet (and so refuses, as validation does, a part whose bytes are not
     * what it declares).
     */
    public long estimateInput(GenerationRequest request) {
        return input(request, TokenEstimator::countText).tokens();
    }

    /**
     * An upper bound of the input tokens the request can bill, for the budget reservation (ARCHITECTURE.md:
     * reservations are upper bounds). It differs from {@link #estimateInput} in text: a SentencePiece token covers at
     * least one byte of UTF-8 (an unknown character falls back to one token per byte), so text counts its UTF-8 bytes,
     * which holds for every script (CJK is 3 bytes a character, about one token at Gemini; English about 4 bytes a
     * token). Media counts as in {@link #estimateInput}: Google's own per-image, per-page and per-second counts, and
     * the conservative {@link MediaBounds} where the gateway cannot measure. {@code audioTokens} is the part billed at
     * the audio rate where a model has one: inline and file audio, and the 32 tokens a second of a video's sound.
     * Capped at the context window, {@link MediaBounds#maxInputTokens()}.
     */
    public InputBound boundInput(GenerationRequest request) {
        return input(request, TokenEstimator::utf8Bytes);
    }

    /**
     * The path of the first part whose length the gateway cannot measure before the call, if any: a {@code fileData}
     * part (the upstream fetches the file), inline audio or video whose duration it could not read from a plausible
     * header (then counted from its size at the lowest plausible bit rate), a PDF whose pages it could not count. A
     * tenant whose spending policy demands exactness has such requests refused.
     */
    public Optional<String> firstUnmeasuredPart(GenerationRequest request) {
        for (int c = 0; c < request.contents().size(); c++) {
            List<Part> parts = request.contents().get(c).parts();
            for (int p = 0; p < parts.size(); p++) {
                if (parts.get(p) instanceof Part.FileData) {
                    return Optional.of("contents[" + c + "].parts[" + p + "].fileData");
                }
            }
        }
        if (request.systemInstruction().isPresent()
                && request.systemInstruction().get().parts().stream().anyMatch(Part.FileData.class::isInstance)) {
            return Optional.of("systemInstruction.parts[].fileData");
        }
        for (InlineMedia media : request.inlineMedia()) {
            boolean measured = switch (media.type().modality()) {
                case AUDIO -> plausible(media, MAX_AUDIO_BITS_PER_SECOND);
                case VIDEO -> plausible(media, MAX_VIDEO_BITS_PER_SECOND);
                case DOCUMENT -> media.pages().isPresent();
                case IMAGE, TEXT -> true;
            };
            if (!measured) {
                return Optional.of(media.path() + ".inlineData");
            }
        }
        return Optional.empty();
    }

    /** Input tokens, {@code audioTokens} of them billed at the audio rate where the model has one. */
    public record InputBound(long tokens, long audioTokens) {
        public InputBound {
            if (tokens < 0 || audioTokens < 0 || audioTokens > tokens) {
                throw new IllegalArgumentException("0 <= audioTokens <= tokens");
            }
        }
    }

    private InputBound input(GenerationRequest request, ToLongFunction<CharSequence> text) {
        MediaCounting counting = MediaCounting.forModel(request.model());
        Optional<MediaResolution> level = request.mediaResolution();
        long[] audio = new long[1];
        long tokens = 0;
        for (Content content : request.contents()) {
            tokens = add(tokens, estimate(content, counting, level, text, audio));
        }
        if (request.systemInstruction().isPresent()) {
            tokens = add(tokens, estimate(request.systemInstruction().get(), counting, level, text, audio));
        }
        for (InlineMedia media : request.inlineMedia()) {
            tokens = add(tokens, inline(media, counting, level));
            audio[0] = add(audio[0], inlineAudio(media, counting));
        }
        long capped = Math.min(tokens, bounds.maxInputTokens());
        return new InputBound(capped, Math.min(audio[0], capped));
    }

    /**
     * Input tokens of an embedding request: its text, and {@link #TOKENS_PER_MEDIA_PART} for every other part
     * (embedding models are priced by input tokens; Google documents no media counts for them).
     */
    public static long estimateEmbedding(EmbeddingRequest request) {
        long tokens = 0;
        for (Content content : request.contents()) {
            for (Part part : content.parts()) {
                tokens = add(tokens, part instanceof Part.Text t ? countText(t.text()) : TOKENS_PER_MEDIA_PART);
            }
        }
        return tokens;
    }

    private long estimate(Content content, MediaCounting counting, Optional<MediaResolution> level,
                          ToLongFunction<CharSequence> text, long[] audio) {
        long tokens = 0;
        for (Part part : content.parts()) {
            tokens = add(tokens, switch (part) {
                case Part.Text t -> text.applyAsLong(t.text());
                case Part.InlineData d -> 0; // counted from its inspection, below
                case Part.FileData f -> {
                    audio[0] = add(audio[0], fileAudio(f, counting));
                    yield file(f, counting, level);
                }
                case Part.Other o -> text.applyAsLong(o.json().toString());
            });
        }
        return tokens;
    }

    /** The tokens of an inline part billed at the audio rate: all of an audio part, a video's sound. */
    private static long inlineAudio(InlineMedia media, MediaCounting counting) {
        return switch (media.type().modality()) {
            case AUDIO -> counting.audio(Math.min(MAX_AUDIO_SECONDS, seconds(media, MAX_AUDIO_BITS_PER_SECOND,
                    MIN_AUDIO_BYTES_PER_SECOND)));
            case VIDEO -> counting.audio(seconds(media, MAX_VIDEO_BITS_PER_SECOND, MIN_VIDEO_BYTES_PER_SECOND));
            default -> 0;
        };
    }

    private long fileAudio(Part.FileData file, MediaCounting counting) {
        String type = MediaType.essence(file.mimeType());
        if (type.startsWith("audio/")) {
            return counting.audio(bounds.fileAudioSeconds());
        }
        if (type.startsWith("video/") || isYouTube(file.fileUri())) {
            return counting.audio(bounds.fileVideoSeconds());
        }
        return 0;
    }

    private static boolean plausible(InlineMedia media, long maxBitsPerSecond) {
        return media.seconds().isPresent() && media.bytes() * 8.0 / media.seconds().getAsDouble() <= maxBitsPerSecond;
    }

    /** The UTF-8 length of {@code text}: at least its token count in any SentencePiece vocabulary with byte fallback. */
    public static long utf8Bytes(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static long inline(InlineMedia media, MediaCounting counting, Optional<MediaResolution> request) {
        Optional<MediaResolution> level = counting.level(media.options(), request);
        return switch (media.type().modality()) {
            case IMAGE -> counting.image(media.imageSize(), level);
            case DOCUMENT -> media.pages().orElse(UNKNOWN_PDF_PAGES) * counting.pdfPage(level);
            case TEXT -> media.textTokens().orElse(media.bytes());
            case AUDIO -> counting.audio(Math.min(MAX_AUDIO_SECONDS, seconds(media, MAX_AUDIO_BITS_PER_SECOND,
                    MIN_AUDIO_BYTES_PER_SECOND)));
            case VIDEO -> counting.video(seconds(media, MAX_VIDEO_BITS_PER_SECOND, MIN_VIDEO_BYTES_PER_SECOND),
                    media.options(), request);
        };
    }

    /** The header's duration when its implied bit rate is plausible, else the size at the lowest plausible rate. */
    private static double seconds(InlineMedia media, long maxBitsPerSecond, long minBytesPerSecond) {
        return plausible(media, maxBitsPerSecond) ? media.seconds().getAsDouble()
                : (double) media.bytes() / minBytesPerSecond;
    }

    private long file(Part.FileData file, MediaCounting counting, Optional<MediaResolution> request) {
        Optional<MediaResolution> level = counting.level(file.options(), request);
        String type = MediaType.essence(file.mimeType());
        if (type.startsWith("image/")) {
            return counting.image(Optional.empty(), level);
        }
        if (type.equals("application/pdf")) {
            return bounds.filePdfPages() * counting.pdfPage(level);
        }
        if (type.startsWith("audio/")) {
            return counting.audio(bounds.fileAudioSeconds());
        }
        if (type.startsWith("video/") || isYouTube(file.fileUri())) {
            return counting.video(bounds.fileVideoSeconds(), file.options(), request);
        }
        return bounds.fileTextTokens();
    }

    private static boolean isYouTube(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://www.youtube.com/") || lower.startsWith("https://youtube.com/")
                || lower.startsWith("https://youtu.be/") || lower.startsWith("https://m.youtube.com/");
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum; // both are non-negative: a negative sum overflowed
    }

    public static long countText(CharSequence text) {
        long tokens = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                run++;
            } else {
                tokens += (run + 3) / 4;
                run = 0;
                if (!Character.isWhitespace(c)) {
                    tokens++;
                }
            }
        }
        return tokens + (run + 3) / 4;
    }
}
