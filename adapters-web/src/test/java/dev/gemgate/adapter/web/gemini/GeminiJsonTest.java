package dev.gemgate.adapter.web.gemini;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tenant-body parser: exact numbers, bounded size, precise refusals, the body's text kept as it came. */
class GeminiJsonTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final String CONTENTS = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]";

    @Test
    void numbersBeyondADoubleAreRefusedWhereverTheyAreWithTheirPath() {
        assertRefused("{" + CONTENTS + ",\"futureField\":{\"x\":[1, 1e400]}}",
                "Invalid JSON payload received. 1e400 at futureField.x[1] is a number beyond the range of a double.");
        assertRefused("{\"generationConfig\":{\"temperature\":-1.5E+309}," + CONTENTS + "}",
                "-1.5E+309 at generationConfig.temperature is a number beyond the range of a double.");
    }

    @Test
    void integersBeyond64BitsAreRefusedNotTruncated() {
        assertRefused("{" + CONTENTS + ",\"generationConfig\":{\"maxOutputTokens\":18446744073709551617}}",
                "Invalid JSON payload received. 18446744073709551617 at generationConfig.maxOutputTokens is an "
                        + "integer beyond the 64-bit range.");
        assertRefused("{\"contents\":[{\"parts\":[{\"functionResponse\":{\"response\":{\"id\":-9223372036854775809}}}]}]}",
                "-9223372036854775809 at contents[0].parts[0].functionResponse.response.id is an integer beyond");
    }

    @Test
    void numbersThatFitAreReadAsBeforeWhateverTheirSpelling() {
        Map<String, Object> tree = GeminiJson.readObject(bytes("{\"a\":1e-400,\"b\":-0,\"c\":-0.0,"
                + "\"d\":9223372036854775807,\"e\":2147483648,\"f\":40,\"g\":4.0E1,\"h\":1.7976931348623157e308}"));

        assertThat(tree).containsExactly(Map.entry("a", 0.0), Map.entry("b", 0), Map.entry("c", -0.0),
                Map.entry("d", Long.MAX_VALUE), Map.entry("e", 2_147_483_648L), Map.entry("f", 40),
                Map.entry("g", 40.0), Map.entry("h", Double.MAX_VALUE));
    }

    @Test
    void theTreeKeepsOrderTypesNullsAndEmptyContainers() {
        Map<String, Object> tree = GeminiJson.readObject(bytes(
                " {\"z\":{},\"y\":[],\"x\":[null,true,false,\"\",{\"k\":[1]}],\"w\":null} "));

        assertThat(tree).isInstanceOf(LinkedHashMap.class);
        assertThat(tree.keySet()).containsExactly("z", "y", "x", "w");
        assertThat(tree.get("z")).isEqualTo(Map.of());
        assertThat(tree.get("y")).isEqualTo(List.of());
        assertThat(tree.get("x")).isEqualTo(java.util.Arrays.asList(null, true, false, "", Map.of("k", List.of(1))));
        assertThat(tree).containsEntry("w", null);
    }

    @Test
    void nestingIsBoundedWithThePathOfTheContainerTooDeep() {
        int depth = GeminiJson.MAX_NESTING_DEPTH; // the top-level object is the first level
        String deepest = "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
        assertThat(GeminiJson.readObject(bytes(deepest))).containsKey("a");

        String tooDeep = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertThatThrownBy(() -> GeminiJson.readObject(bytes(tooDeep)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.reason())
                        .isEqualTo(InvalidRequestException.Reason.LIMIT_EXCEEDED))
                .hasMessage("Invalid JSON payload received. The JSON at a" + "[0]".repeat(depth - 1)
                        + " is nested more than 128 levels deep.");
        // far deeper than Jackson's own limit: still our message, not Jackson's
        assertRefused("{\"a\":" + "[".repeat(5_000), "is nested more than 128 levels deep");
    }

    @Test
    void numberLiteralsAreBoundedInLength() {
        String longest = "0." + "1".repeat(GeminiJson.MAX_NUMBER_LENGTH - 2);
        assertThat(GeminiJson.readObject(bytes("{\"n\":" + longest + "}"))).containsKey("n");

        assertRefused("{\"a\":{\"n\":[5, " + "9".repeat(GeminiJson.MAX_NUMBER_LENGTH + 1) + "]}}",
                "Invalid JSON payload received. The number at a.n[1] is longer than 100 characters.");
        assertRefused("{\"n\":" + "1".repeat(1_000_000) + "}", "The number at n is longer than 100 characters.");
        assertRefused("{\"ok\":1,\"n\":-" + "1".repeat(200) + ".5}", "The number at n is longer than 100 characters.");
    }

    @Test
    void fieldNamesAreBoundedInLength() {
        assertRefused("{\"outer\":{\"ok\":1,\"" + "k".repeat(GeminiJson.MAX_NAME_LENGTH + 1) + "\":1}}",
                "Invalid JSON payload received. A field name in outer is longer than 50000 characters.");
        assertRefused("{\"" + "k".repeat(GeminiJson.MAX_NAME_LENGTH + 1) + "\":1}",
                "Invalid JSON payload received. A field name in the top level is longer than 50000 characters.");
    }

    @Test
    void stringsAreBoundedAtTheBase64LengthOfGooglesLargestInlineData() {
        assertThat(GeminiJson.MAX_STRING_LENGTH).isEqualTo(139_810_136); // 100 MiB in base64
        String body = "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
                + "A".repeat(GeminiJson.MAX_STRING_LENGTH + 4) + "\"}}]}]}";

        assertRefused(body, "Invalid JSON payload received. The string at contents[0].parts[0].inlineData.data is "
                + "longer than 139810136 characters.");
    }

    @Test
    void theNumberOfValuesIsBounded() {
        // the top-level object and the list are values too
        String atTheLimit = "{\"x\":[" + "0,".repeat(GeminiJson.MAX_VALUES - 3) + "0]}";
        assertThat((List<?>) GeminiJson.readObject(bytes(atTheLimit)).get("x")).hasSize(GeminiJson.MAX_VALUES - 2);

        assertThatThrownBy(() -> GeminiJson.readObject(bytes("{\"x\":[" + "[],".repeat(GeminiJson.MAX_VALUES) + "[]]}")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.reason())
                        .isEqualTo(InvalidRequestException.Reason.LIMIT_EXCEEDED))
                .hasMessage("Invalid JSON payload received. The request has more than 2000000 JSON values "
                        + "(the limit was passed at x[1999998]).");
    }

    @Test
    void malformedBodiesAreRefusedAsBefore() {
        assertRefused("", "The request body is empty");
        assertRefused("[1]", "The request body must be a JSON object.");
        assertRefused("{\"a\":1,\"a\":2}", "Duplicate field 'a'");
        assertRefused("{\"a\":1} {}", "Unexpected content after the JSON object");
        assertRefused("{\"a\":NaN}", "Invalid JSON payload received.");
        assertRefused("{\"a\":", "Invalid JSON payload received.");
    }

    @Test
    void aBodyMustBeUtf8() {
        byte[] utf16 = "{\"contents\":[]}".getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> GeminiJson.readObject(utf16)).hasMessage("The request body must be JSON encoded as UTF-8.");
        // an encoded surrogate (ED A0 80): Jackson reads it, but no UTF-8 decoder would give these bytes back
        byte[] surrogate = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertThatThrownBy(() -> GeminiJson.utf8Text(surrogate)).hasMessage("The request body is not valid UTF-8.");
        // a replacement character the caller sent is kept
        assertThat(GeminiJson.utf8Text(bytes("{\"a\":\"\uFFFD\"}"))).isEqualTo("{\"a\":\"\uFFFD\"}");
    }

    @Test
    void aGenerationRequestKeepsTheBodyTextExactly() {
        String text = "{ \"generationConfig\" : {\"temperature\": 1e-400, \"seed\": -0},\n\t" + CONTENTS
                + ", \"x\": \"caf\\u00e9 \u00e9\" }";

        GenerationRequest request = GeminiJson.readGenerationRequest(FLASH, bytes(text));

        assertThat(request.originalJson()).hasValue(text);
        assertThat(request.body().get("x")).isEqualTo("café é");
        assertThat(request.contents()).singleElement().satisfies(c -> assertThat(c.text()).isEqualTo("hi"));
    }

    private static void assertRefused(String body, String message) {
        assertThatThrownBy(() -> GeminiJson.readGenerationRequest(FLASH, bytes(body)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(message);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
