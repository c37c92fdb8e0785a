package dev.gemgate.domain.cache;

import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestFingerprintTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");

    @Test
    void ignoresFieldOrderAndIntegerSpelling() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))));
        a.put("generationConfig", Map.of("topK", 40.0));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("generationConfig", Map.of("topK", 40));
        b.put("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))));
        assertThat(RequestFingerprint.of(new GenerationRequest(FLASH, a)))
                .isEqualTo(RequestFingerprint.of(new GenerationRequest(FLASH, b)));
    }

    @Test
    void differsByModelAndContent() {
        Map<String, Object> body = Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))));
        Map<String, Object> other = Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", "ho")))));
        String fp = RequestFingerprint.of(new GenerationRequest(FLASH, body));
        assertThat(fp).isNotEqualTo(RequestFingerprint.of(new GenerationRequest(ModelId.parse("gemini-2.5-pro"), body)));
        assertThat(fp).isNotEqualTo(RequestFingerprint.of(new GenerationRequest(FLASH, other)));
    }
}
