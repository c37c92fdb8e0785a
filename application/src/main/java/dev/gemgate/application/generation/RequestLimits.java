package dev.gemgate.application.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.InlinePart;
import dev.gemgate.domain.generation.MediaType;

/**
 * What every use case that sends contents upstream checks alike (generate, countTokens, ...), before anything is
 * sent: the model's inline limits (all inline data, and each inline PDF), then each inline part's bytes against its
 * declared type ({@link GenerationRequest#inlineMedia()}). Sizes come first: they cost nothing, while a PDF's page
 * count decodes it.
 */
final class RequestLimits {
    private RequestLimits() {
    }

    static void check(GenerationRequest request, GenerationPolicy policy) {
        InlineLimits limits = policy.inlineLimits(request.model());
        long inline = request.inlineBytes();
        if (inline > limits.maxInlineBytes()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                    "Request payload size exceeds the limit: inline data is " + inline + " bytes, the limit for "
                            + request.model() + " is " + limits.maxInlineBytes() + " bytes. Send larger files with"
                            + " the Files API (fileData).");
        }
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
