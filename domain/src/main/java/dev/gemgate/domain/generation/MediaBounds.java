package dev.gemgate.domain.generation;

/**
 * The bounds a token estimate uses where the gateway cannot measure: {@code fileData} parts (the upstream fetches the
 * file; the gateway never sees it) are counted as a file of this length, and the whole input is capped at
 * {@code maxInputTokens}, the context window (Gemini refuses, unbilled, a prompt over the model's input limit, so no
 * call can bill more). These are policy, not facts: a file longer than its bound is billed at its real usage, and the
 * reservation falls short by the difference.
 *
 * @param fileVideoSeconds a video file's length (default 600 s)
 * @param fileAudioSeconds an audio file's length (default 3,600 s)
 * @param filePdfPages     a PDF file's pages (default 300)
 * @param fileTextTokens   a text or otherwise unknown file's tokens (default 100,000)
 * @param maxInputTokens   the most input any request can bill (default 1,048,576, the 2.5/3.x input limit)
 */
public record MediaBounds(long fileVideoSeconds, long fileAudioSeconds, long filePdfPages, long fileTextTokens,
                          long maxInputTokens) {
    public MediaBounds {
        if (fileVideoSeconds < 1 || fileAudioSeconds < 1 || filePdfPages < 1 || fileTextTokens < 1
                || maxInputTokens < 1) {
            throw new IllegalArgumentException("media bounds must be positive");
        }
    }

    public static MediaBounds defaults() {
        return new MediaBounds(600, 3_600, 300, 100_000, 1_048_576);
    }
}
