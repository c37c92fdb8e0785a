package dev.gemgate.application.generation;

/**
 * How much inline data one request to a model may carry, checked before anything is sent upstream.
 *
 * @param maxInlineBytes    decoded bytes of all inline parts of a request (Google's limit was 20 MB until January
 *                          2026 and is 100 MB since; the default stays 20 MiB)
 * @param maxInlinePdfBytes decoded bytes of one inline PDF (Google's file-input guide gives 50 MB)
 */
public record InlineLimits(long maxInlineBytes, long maxInlinePdfBytes) {
    public static final long DEFAULT_MAX_INLINE_PDF_BYTES = 50L * 1024 * 1024;

    public InlineLimits {
        if (maxInlineBytes < 0 || maxInlinePdfBytes < 0) {
            throw new IllegalArgumentException("inline limits cannot be negative");
        }
    }
}
