package dev.gemgate.application.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;

/** The size limits every use case that sends contents upstream enforces alike (generate, countTokens, ...). */
final class RequestLimits {
    private RequestLimits() {
    }

    private static final TokenEstimator ESTIMATOR = new TokenEstimator();

    /**
     * What a generation (streamed or not) must pass before anything is reserved or sent: the size limits, and the
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

    /** The usage a generation is admitted and reserved for: the input estimate and the output it may produce. */
    static Usage estimate(GenerationRequest request, GenerationPolicy policy) {
        return new Usage(ESTIMATOR.estimateInput(request),
                ESTIMATOR.estimateOutput(request, policy.defaultMaxOutputTokens()), 0, 0);
    }

    static void check(GenerationRequest request, GenerationPolicy policy) {
        if (request.inlineBytes() > policy.maxInlineBytes()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                    "Request payload size exceeds the limit: inline data is " + request.inlineBytes()
                            + " bytes, the limit is " + policy.maxInlineBytes() + " bytes.");
        }
    }
}
