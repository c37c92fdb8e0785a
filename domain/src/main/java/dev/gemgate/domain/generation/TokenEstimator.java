package dev.gemgate.domain.generation;

/**
 * Estimates a request's tokens locally, before the call, for quota admission and budget reservation. Text counts
 * one token per started run of four characters in each word or number, plus one per punctuation mark (close to
 * SentencePiece on English prose, and never far below it); each inline image or file part counts 258 tokens, Gemini's
 * figure for an image up to 384 px. The exact count always comes from the upstream's usageMetadata afterwards.
 */
public final class TokenEstimator {
    public static final long TOKENS_PER_MEDIA_PART = 258;

    public long estimateInput(GenerationRequest request) {
        long tokens = 0;
        for (Content content : request.contents()) {
            tokens += estimate(content);
        }
        if (request.systemInstruction().isPresent()) {
            tokens += estimate(request.systemInstruction().get());
        }
        return tokens;
    }

    /** Output tokens to reserve for: maxOutputTokens when given (else {@code defaultMaxOutput}) per candidate. */
    public long estimateOutput(GenerationRequest request, long defaultMaxOutput) {
        return request.maxOutputTokens().orElse(defaultMaxOutput) * request.candidateCount();
    }

    private static long estimate(Content content) {
        long tokens = 0;
        for (Part part : content.parts()) {
            tokens += switch (part) {
                case Part.Text t -> countText(t.text());
                case Part.InlineData d -> TOKENS_PER_MEDIA_PART;
                case Part.FileData f -> TOKENS_PER_MEDIA_PART;
                case Part.Other o -> countText(o.json().toString());
            };
        }
        return tokens;
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
