package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationRequestTest {
    private static final ModelId FLASH = ModelId.parse("models/gemini-2.5-flash");

    private static Map<String, Object> text(String t) {
        return Map.of("role", "user", "parts", List.of(Map.of("text", t)));
    }

    @Test
    void readsTypedViewsAndKeepsUnknownFields() {
        Map<String, Object> body = Map.of(
                "contents", List.of(text("Hello"), text("again")),
                "systemInstruction", Map.of("role", "user", "parts", List.of(Map.of("text", "Be terse"))),
                "generationConfig", Map.of("maxOutputTokens", 64.0, "candidateCount", 2, "futureKnob", true),
                "someFutureField", List.of(1, 2));
        GenerationRequest request = new GenerationRequest(FLASH, body);

        assertThat(request.model().value()).isEqualTo("gemini-2.5-flash");
        assertThat(request.contents()).hasSize(2);
        assertThat(request.contents().get(1).text()).isEqualTo("again");
        assertThat(request.systemInstruction()).map(Content::text).hasValue("Be terse");
        assertThat(request.maxOutputTokens().getAsLong()).isEqualTo(64);
        assertThat(request.candidateCount()).isEqualTo(2);
        assertThat(request.body()).containsEntry("someFutureField", List.of(1, 2));
    }

    @Test
    void inlineDataIsMeasuredWithoutDecoding() {
        Map<String, Object> body = Map.of("contents", List.of(Map.of("parts", List.of(
                Map.of("inlineData", Map.of("mimeType", "image/png", "data", "aGVsbG8=")))))); // "hello"
        assertThat(new GenerationRequest(FLASH, body).inlineBytes()).isEqualTo(5);
    }

    @Test
    void refusesWhatGeminiWouldRefuseWithAPreciseReason() {
        assertRefused(Map.of(), "contents is not specified");
        assertRefused(Map.of("contents", List.of()), "contents must not be empty");
        assertRefused(Map.of("contents", "hi"), "contents must be a list");
        assertRefused(Map.of("contents", List.of(Map.of("parts", List.of()))), "contents[0].parts must not be empty");
        assertRefused(Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", 5))))),
                "contents[0].parts[0].text must be a string");
        assertRefused(Map.of("contents", List.of(Map.of("parts", List.of(Map.of("inlineData",
                Map.of("mimeType", "image/png", "data", "not base64!")))))), "inlineData.data is not valid base64");
        assertRefused(Map.of("contents", List.of(text("x")), "generationConfig", Map.of("maxOutputTokens", 0)),
                "maxOutputTokens must be a whole number");
        assertRefused(Map.of("contents", List.of(text("x")), "generationConfig", Map.of("temperature", 3)),
                "temperature must be a number from 0 to 2");
        assertRefused(Map.of("contents", List.of(text("x")), "generationConfig", Map.of("candidateCount", 9)),
                "candidateCount must be a whole number from 1 to 8");
    }

    @Test
    void integersBeyondALongAreRefusedNotTruncated() {
        // 2^64 + 1: its low 64 bits are 1, which a truncating read took for maxOutputTokens = 1
        BigInteger twoTo64Plus1 = new BigInteger("18446744073709551617");
        assertRefused(config("maxOutputTokens", twoTo64Plus1),
                "generationConfig.maxOutputTokens must be a whole number from 1 to 2147483647 (int32); "
                        + "got 18446744073709551617");
        assertRefused(config("maxOutputTokens", new BigDecimal("1E+400")), "got 1E+400");
        assertRefused(config("maxOutputTokens", Double.POSITIVE_INFINITY), "got Infinity");
        assertRefused(config("maxOutputTokens", 1e19), "maxOutputTokens must be a whole number");
        assertRefused(config("candidateCount", new BigInteger("-18446744073709551615")), // low bits: 1
                "candidateCount must be a whole number from 1 to 8; got -18446744073709551615");
    }

    @Test
    void int32FieldsAreRefusedOutsideTheInt32Range() {
        assertRefused(config("maxOutputTokens", 2_147_483_648L),
                "generationConfig.maxOutputTokens must be a whole number from 1 to 2147483647 (int32); got 2147483648");
        assertRefused(config("seed", 4_294_967_297L),
                "generationConfig.seed must be a whole number from -2147483648 to 2147483647 (int32); got 4294967297");
        assertRefused(config("seed", -2_147_483_649L), "generationConfig.seed must be a whole number");
        assertRefused(config("seed", 1.5), "generationConfig.seed must be a whole number");
        assertRefused(config("logprobs", "3"), "generationConfig.logprobs must be a whole number "
                + "from -2147483648 to 2147483647 (int32); got a string");
        assertRefused(config("thinkingConfig", Map.of("thinkingBudget", 1L << 32)),
                "generationConfig.thinkingConfig.thinkingBudget must be a whole number from -2147483648 to "
                        + "2147483647 (int32); got 4294967296");
        assertRefused(config("thinkingConfig", List.of()), "generationConfig.thinkingConfig must be an object");

        GenerationRequest edges = new GenerationRequest(FLASH, Map.of("contents", List.of(text("x")),
                "generationConfig", Map.of("maxOutputTokens", 2_147_483_647L, "seed", -2_147_483_648,
                        "thinkingConfig", Map.of("thinkingBudget", -1), "candidateCount", 8.0)));
        assertThat(edges.maxOutputTokens()).hasValue(2_147_483_647L);
        assertThat(edges.candidateCount()).isEqualTo(8);
    }

    @Test
    void wholeNumbersAreReadExactlyOrNotAtAll() {
        assertThat(JsonTree.exactLong(40.0)).hasValue(40);
        assertThat(JsonTree.exactLong(new BigDecimal("40.000"))).hasValue(40);
        assertThat(JsonTree.exactLong(new BigInteger("9223372036854775807"))).hasValue(Long.MAX_VALUE);
        assertThat(JsonTree.exactLong(-0x1p63)).hasValue(Long.MIN_VALUE);
        assertThat(JsonTree.exactLong(new BigInteger("9223372036854775808"))).isEmpty();
        assertThat(JsonTree.exactLong(0x1p63)).isEmpty();
        assertThat(JsonTree.exactLong(new BigDecimal("1E+999999999"))).isEmpty();
        assertThat(JsonTree.exactLong(new BigDecimal("0.5"))).isEmpty();
        assertThat(JsonTree.exactLong(Double.NaN)).isEmpty();
    }

    @Test
    void theNumberOfContentsAndPartsIsBounded() {
        List<Object> tooManyContents = Collections.nCopies(GenerationRequest.MAX_CONTENTS + 1, text("x"));
        assertThatThrownBy(() -> new GenerationRequest(FLASH, Map.of("contents", tooManyContents)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.reason())
                        .isEqualTo(InvalidRequestException.Reason.LIMIT_EXCEEDED))
                .hasMessage("contents has 100001 entries; at most 100000 are allowed");

        // the part limit is for the whole request: half in each of two contents, plus one in the system instruction
        Map<String, Object> halfTheParts = Map.of("parts", Collections.nCopies(GenerationRequest.MAX_PARTS / 2,
                Map.of("text", "x")));
        Map<String, Object> atTheLimit = Map.of("contents", List.of(halfTheParts, halfTheParts));
        assertThat(new GenerationRequest(FLASH, atTheLimit).contents()).hasSize(2);
        assertRefused(Map.of("contents", List.of(halfTheParts, halfTheParts), "systemInstruction", text("x")),
                "the request has more than 100000 parts in all (the limit was passed at systemInstruction.parts)");
    }

    @Test
    void theOriginalJsonIsKeptForAFallbackModelAndDroppedByAnEdit() {
        String json = "{ \"contents\" : [ {\"parts\":[{\"text\":\"x\"}], \"role\":\"user\"} ], \"n\": 1e-400 }";
        Map<String, Object> tree = Map.of("contents", List.of(text("x")), "n", 0.0);
        GenerationRequest received = new GenerationRequest(FLASH, tree, json);

        assertThat(received.originalJson()).hasValue(json);
        assertThat(received.forModel(ModelId.parse("gemini-2.5-pro")).originalJson()).hasValue(json);
        GenerationRequest edited = received.withBody(JsonTree.with(tree, "n", 1));
        assertThat(edited.originalJson()).isEmpty();
        assertThat(edited.body()).containsEntry("n", 1);
        assertThat(new GenerationRequest(FLASH, tree).originalJson()).isEmpty();
    }

    private static Map<String, Object> config(String field, Object value) {
        Map<String, Object> config = new HashMap<>();
        config.put(field, value);
        return Map.of("contents", List.of(text("x")), "generationConfig", config);
    }

    private static void assertRefused(Map<String, Object> body, String reason) {
        assertThatThrownBy(() -> new GenerationRequest(FLASH, body))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(reason);
    }

    /** As the protobuf JSON mapping reads bytes: standard or URL-safe alphabet, with or without padding. */
    @Test
    void base64CheckAcceptsBothAlphabetsPaddedOrNot() {
        assertThat(GenerationRequest.isBase64("aGVsbG8=")).isTrue();
        assertThat(GenerationRequest.isBase64("-_-_")).isTrue();
        assertThat(GenerationRequest.isBase64("aGVsbG8")).isTrue();
        assertThat(GenerationRequest.isBase64("aGVsbA")).isTrue();
        assertThat(GenerationRequest.isBase64("")).isTrue();
        assertThat(GenerationRequest.isBase64("aG=sbG8=")).isFalse();
        assertThat(GenerationRequest.isBase64("aGVsbG")).isTrue();
        assertThat(GenerationRequest.isBase64("aGVsb")).isFalse();      // 5 characters cannot be whole bytes
        assertThat(GenerationRequest.isBase64("aGVsbG8==")).isFalse();  // padding beyond a group
        assertThat(GenerationRequest.isBase64("a===")).isFalse();
    }

    @Test
    void corruptBase64IsRefusedNamingThePartAndWhy() {
        assertRefused(inlinePng("ab+c-d=="), "contents[0].parts[0].inlineData.data is not valid base64: it mixes the"
                + " standard (+/) and URL-safe (-_) alphabets");
        assertRefused(inlinePng("aGVs\nbG8="), "contents[0].parts[0].inlineData.data is not valid base64:"
                + " character 5 is not in the base64 alphabet");
        assertRefused(inlinePng("aGVsb"), "its length does not fit whole bytes");
    }

    private static Map<String, Object> inlinePng(String data) {
        return Map.of("contents", List.of(Map.of("parts", List.of(Map.of("inlineData",
                Map.of("mimeType", "image/png", "data", data))))));
    }

    @Test
    void modelNamesAcceptTheModelsPrefixOnly() {
        assertThat(ModelId.parse("models/gemini-3.5-flash").resourceName()).isEqualTo("models/gemini-3.5-flash");
        assertThat(ModelId.isValid("../etc/passwd")).isFalse();
        assertThat(ModelId.isValid("Gemini Flash")).isFalse();
    }
}
