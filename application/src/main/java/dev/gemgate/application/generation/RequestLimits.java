package dev.gemgate.application.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;

/** The size limits every use case that sends contents upstream enforces alike (generate, countTokens, ...). */
final class RequestLimits {
    private RequestLimits() {
    }

    static void check(GenerationRequest request, GenerationPolicy policy) {
        if (request.inlineBytes() > policy.maxInlineBytes()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                    "Request payload size exceeds the limit: inline data is " + request.inlineBytes()
                            + " bytes, the limit is " + policy.maxInlineBytes() + " bytes.");
        }
    }
}
