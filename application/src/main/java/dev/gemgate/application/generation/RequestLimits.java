package dev.gemgate.application.generation;

import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.InlinePart;
import dev.gemgate.domain.generation.MediaType;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every use case that sends contents upstream checks alike (generate, countTokens, ...), before anything is
 * sent: the model's inline limits (all inline data, and each inline PDF), then each inline part's bytes against its
 * declared type ({@link GenerationRequest#inlineMedia()}). Sizes come first: they cost nothing, while a PDF's page
 * count decodes it.
 */
public final class RequestLimits {
    private RequestLimits() {
    }

    /**
     * What a generation (streamed or not) must pass before anything is reserved or sent: {@link #check}, and the
     * output ceiling.
     */
    public static void checkGeneration(GenerationRequest request, GenerationPolicy policy) {
        check(request, policy);
        if (request.maxOutputTokens().isPresent() && request.maxOutputTokens().getAsLong() > policy.maxOutputTokens()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                    "generationConfig.maxOutputTokens is " + request.maxOutputTokens().getAsLong()
                            + "; the most this gateway allows is " + policy.maxOutputTokens() + ".");
        }
    }

    /**
     * A generation as it is admitted, reserved and forwarded, under its tenant's {@code spending} policy.
     *
     * @param forwarded   the request sent upstream: the caller's, or, when it sets no {@code maxOutputTokens} and the
     *                    tenant's policy has a forwarded output cap, the same request with {@code maxOutputTokens} =
     *                    that cap written into its generationConfig
     * @param input       the input estimate, as close to Gemini's count as the gateway can tell (what a stream cut before
     *                    any usageMetadata is charged for its prompt)
     * @param quota       the tokens its rate limits are charged at admission (the input estimate and the output it
     *                    asks for, else the default; settlement corrects them with the real usage)
     * @param reservation what its budget reservation holds: an upper bound of what the call can bill. Input: text at
     *                    its UTF-8 bytes, media at Google's counts or the conservative bounds
     *                    ({@link TokenEstimator#boundInput}). Output: per candidate, the forwarded
     *                    {@code maxOutputTokens}, else the model's maximum output (the gateway's output ceiling, at
     *                    least every served model's output limit); thinking tokens bill as output and are counted
     *                    inside {@code maxOutputTokens} (see infra/app/README.md, "Budgets")
     */
    public record Admitted(GenerationRequest forwarded, long input, long quota, Usage reservation) {
    }

    /**
     * Bounds a generation for admission and reservation (see {@link Admitted}). A tenant whose policy refuses
     * unmeasurable media gets such a request refused here, before anything is reserved or sent.
     */
    public static Admitted admitted(GenerationRequest request, GenerationPolicy policy, SpendingPolicy spending) {
        TokenEstimator estimator = new TokenEstimator(policy.mediaBounds());
        if (spending.refuseUnmeasuredMedia()) {
            Optional<String> unmeasured = estimator.firstUnmeasuredPart(request);
            if (unmeasured.isPresent()) {
                throw InvalidRequestException.forField(InvalidRequestException.Reason.UNSUPPORTED, unmeasured.get(),
                        "this tenant's spending policy admits only input the gateway can measure before the call, "
                                + "and the length of this part cannot be known until the upstream reads it. Send it "
                                + "inline in a format with a readable duration or page count.");
            }
        }
        GenerationRequest forwarded = request;
        if (request.maxOutputTokens().isEmpty() && spending.forwardedOutputCap().isPresent()) {
            forwarded = withMaxOutputTokens(request, Math.min(spending.forwardedOutputCap().getAsLong(),
                    policy.maxOutputTokens()));
        }
        long candidates = forwarded.candidateCount();
        long quotaOutput = forwarded.maxOutputTokens().orElse(policy.defaultMaxOutputTokens()) * candidates;
        long outputBound = forwarded.maxOutputTokens().orElse(policy.maxOutputTokens()) * candidates;
        TokenEstimator.InputBound input = estimator.boundInput(forwarded);
        long estimate = estimator.estimateInput(forwarded);
        return new Admitted(forwarded, estimate, Math.addExact(estimate, quotaOutput),
                new Usage(input.tokens(), outputBound, 0, 0, input.audioTokens()));
    }

    /** The request with {@code generationConfig.maxOutputTokens} set, everything else as sent. */
    static GenerationRequest withMaxOutputTokens(GenerationRequest request, long maxOutputTokens) {
        Map<String, Object> body = new LinkedHashMap<>(request.body());
        Map<String, Object> config = new LinkedHashMap<>();
        if (body.get("generationConfig") instanceof Map<?, ?> existing) {
            existing.forEach((key, value) -> config.put(String.valueOf(key), value));
        }
        config.put("maxOutputTokens", maxOutputTokens);
        body.put("generationConfig", config);
        return request.withBody(body);
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
