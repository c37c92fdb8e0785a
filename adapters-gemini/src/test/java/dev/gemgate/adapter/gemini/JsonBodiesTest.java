package dev.gemgate.adapter.gemini;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonBodiesTest {
    @Test
    void anAnswerWithA30MbInlineImageIsReadWhole() {
        String image = "A".repeat(30 * 1024 * 1024);
        String answer = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":"
                + "{\"mimeType\":\"image/png\",\"data\":\"" + image + "\"}}]},\"finishReason\":\"STOP\"}]}";

        Map<String, Object> tree = new JsonBodies().parseObject(answer);

        @SuppressWarnings("unchecked")
        Map<String, Object> part = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((List<Object>) tree.get("candidates")).getFirst()).get("content")).get("parts")).getFirst();
        @SuppressWarnings("unchecked")
        Map<String, Object> inline = (Map<String, Object>) part.get("inlineData");
        assertThat((String) inline.get("data")).hasSize(image.length());
    }
}
