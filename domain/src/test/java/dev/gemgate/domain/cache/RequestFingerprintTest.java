package dev.gemgate.domain.cache;

import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestFingerprintTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final byte[] SECRET = "a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
    private final RequestFingerprint fingerprint = new RequestFingerprint(SECRET);

    private static Map<String, Object> saying(String text) {
        return Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", text)))));
    }

    @Test
    void ignoresFieldOrderAndIntegerSpelling() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))));
        a.put("generationConfig", Map.of("topK", 40.0));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("generationConfig", Map.of("topK", 40));
        b.put("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))));
        assertThat(fingerprint.of(new GenerationRequest(FLASH, a)))
                .isEqualTo(fingerprint.of(new GenerationRequest(FLASH, b)));
    }

    @Test
    void differsByModelAndContent() {
        String fp = fingerprint.of(new GenerationRequest(FLASH, saying("hi")));
        assertThat(fp).isNotEqualTo(fingerprint.of(new GenerationRequest(ModelId.parse("gemini-2.5-pro"), saying("hi"))));
        assertThat(fp).isNotEqualTo(fingerprint.of(new GenerationRequest(FLASH, saying("ho"))));
    }

    @Test
    void isKeyedSoThatADictionaryOfPromptsCannotReverseIt() throws Exception {
        GenerationRequest request = new GenerationRequest(FLASH, saying("yes"));
        String canonical = "gemini-2.5-flash\n{\"contents\":[{\"parts\":[{\"text\":\"yes\"}]}]}";
        String bareSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(StandardCharsets.UTF_8)));

        String fp = fingerprint.of(request);

        assertThat(fp).hasSize(64).isNotEqualTo(bareSha256);
        assertThat(new RequestFingerprint("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8))
                .of(request)).isNotEqualTo(fp);
    }

    @Test
    void isTheHmacOfTheCanonicalText() throws Exception {
        // the cache table keys on it and audit records keep it: its text must not change from one version to the next
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generationConfig", Map.of("topK", 40.0, "temperature", 0.5,
                "stopSequences", List.of("a\"b", "c\\d")));
        body.put("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "zoë \"quoted\" \\ ✓")))));
        body.put("b", Map.of());
        body.put("a", List.of());
        body.put("n", Collections.singletonMap("x", null));
        String canonical = "gemini-2.5-flash\n{\"a\":[],\"b\":{},\"contents\":[{\"parts\":[{\"text\":"
                + "\"zoë \\\"quoted\\\" \\\\ ✓\"}],\"role\":\"user\"}],\"generationConfig\":{\"stopSequences\":"
                + "[\"a\\\"b\",\"c\\\\d\"],\"temperature\":0.5,\"topK\":40},\"n\":{\"x\":null}}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));

        assertThat(fingerprint.of(new GenerationRequest(FLASH, body)))
                .isEqualTo(HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> new RequestFingerprint(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
