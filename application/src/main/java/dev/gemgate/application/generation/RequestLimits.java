package dev.gemgate.application.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.InlinePart;
import dev.gemgate.domain.generation.MediaType;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;

/**
 * What every use case that sends contents upstream checks alike (generate, countTokens, ...), before anything is
 * sent: the model's inline limits (all inline data, and each inline PDF), then each inline part's bytes against its
 * declared type ({@link GenerationRequest#inlineMedia()}). Sizes come first: they cost nothing, while a PDF's page
 * count decodes it.
 */
final class RequestLimits {
    private RequestLimits() {
    }

    /**
     * What a generation (streamed or not) must pass before anything is reserved or sent: {@link #check}, and the
     * output ceiling.
     */
    static void checkGeneration(GenerationRequest request, GenerationPolicy policy) {
        check(request, policy);
        if (request.maxOutputTokens().isPresent() && request.maxOutputTokens().getAsLong() > policy.maxOutputTokens()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                    "generationConfig.maxOutputTokens is " + request.maxOutputTokens().getAsLong()
                            + "; the most this gateway allows is " + policy.maxOutputTokens() + ".");
        }
    }

    /**
     * The usage a generation is admitted and reserved for: the input estimate (media counted as Gemini counts it,
     * within the policy's bounds) and the output it may produce.
     */
    static Usage estimate(GenerationRequest request, GenerationPolicy policy) {
        TokenEstimator estimator = new TokenEstimator(policy.mediaBounds());
        return new Usage(estimator.estimateInput(request),
                estimator.estimateOutput(request, policy.defaultMaxOutputTokens()), 0, 0);
    }

    /** The model's limit on all inline data of one request (generation or embedding). */
    static void checkInlineBytes(long inline, ModelId model, GenerationPolicy policy) {
        long limit = policy.inlineLimits(model).maxInlineBytes();
        if (inline > limit) {
            throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                    "Request payload size exceeds the limit: inline data is " + inline + " bytes, the limit for "
                            + model + " is " + limit + " bytes. Send larger files with the Files API (fileData).");
        }
    }

    static void check(GenerationRequest request, GenerationPolicy policy) {
        InlineLimits limits = policy.inlineLimits(request.model());
        checkInlineBytes(request.inlineBytes(), request.model(), policy);
        for (InlinePart part : request.inlineParts()) {
            long bytes = part.data().decodedSize();
            if (bytes > limits.maxInlinePdfBytes()
                    && MediaType.forDeclared(part.data().mimeType()).orElse(null) == MediaType.PDF) {
                throw InvalidRequestException.forField(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                        part.path() + ".inlineData", "the inline PDF is " + bytes + " bytes, the limit for "
                                + request.model() + " is " + limits.maxInlinePdfBytes() + " bytes.");
            }
        }
        request.inlineMedia();
    }
}
