package dev.gemgate.adapter.web.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.Content;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiEmbeddingsJsonTest {
    private static OpenAiEmbeddingsJson.Call read(String json) {
        return OpenAiEmbeddingsJson.read(GeminiJson.readObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStringInputIsOneTextWithFloatsByDefault() {
        OpenAiEmbeddingsJson.Call call = read("{\"input\":\"hello\",\"model\":\"gemini-embedding-001\"}");

        assertThat(call.inputs()).containsExactly("hello");
        assertThat(call.model()).isEqualTo(ModelId.parse("gemini-embedding-001"));
        assertThat(call.encoding()).isEqualTo(OpenAiEmbeddingsJson.Encoding.FLOAT);
        assertThat(call.dimensions()).isEmpty();
        assertThat(call.user()).isEmpty();
    }

    @Test
    void aListOfStringsBecomesOneBatchEmbedContentsWithTheDimensionsOnEachRequest() {
        OpenAiEmbeddingsJson.Call call = read("{\"input\":[\"first\",\"second\"],"
                + "\"model\":\"models/gemini-embedding-001\","
                + "\"encoding_format\":\"base64\",\"dimensions\":8,\"user\":\" alice \"}");

        assertThat(call.encoding()).isEqualTo(OpenAiEmbeddingsJson.Encoding.BASE64);
        assertThat(call.user()).hasValue("alice");
        assertThat(call.modelName()).isEqualTo("models/gemini-embedding-001");
        EmbeddingRequest request = call.toDomain();
        assertThat(request.method()).isEqualTo(EmbeddingRequest.Method.BATCH_EMBED_CONTENTS);
        assertThat(request.model()).isEqualTo(ModelId.parse("gemini-embedding-001"));
        assertThat(request.contents()).extracting(Content::text).containsExactly("first", "second");
        assertThat(request.body()).isEqualTo(Map.of("requests", List.of(
                Map.of("model", "models/gemini-embedding-001", "content",
                        Map.of("parts", List.of(Map.of("text", "first"))), "outputDimensionality", 8),
                Map.of("model", "models/gemini-embedding-001", "content",
                        Map.of("parts", List.of(Map.of("text", "second"))), "outputDimensionality", 8))));
        assertThat(request.originalJson()).isEmpty();
    }

    @Test
    void eachRefusalNamesTheFieldAtFault() {
        assertRefused("{\"input\":\"x\"}", "model");
        assertRefused("{\"input\":\"x\",\"model\":7}", "model");
        assertRefused("{\"model\":\"gemini-embedding-001\"}", "input");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"\"}", "input");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":[]}", "input");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":{\"text\":\"x\"}}", "input");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"\"]}", "input[1]");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",true]}", "input[1]");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"encoding_format\":\"int8\"}",
                "encoding_format");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"dimensions\":0}", "dimensions");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"dimensions\":2.5}", "dimensions");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"dimensions\":\"8\"}", "dimensions");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"user\":5}", "user");
        assertRefused("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"user\":\"" + "u".repeat(129) + "\"}",
                "user");
    }

    @Test
    void tokenArraysAreRefusedAsUnsupportedSayingToSendText() {
        assertThatThrownBy(() -> read("{\"model\":\"gemini-embedding-001\",\"input\":[1,2,3]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).hasValue("input");
                    assertThat(e.reason()).isEqualTo(InvalidRequestException.Reason.UNSUPPORTED);
                    assertThat(e.problem()).contains("token arrays are not supported").contains("send the text");
                });
        assertThatThrownBy(() -> read("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",[1,2]]}"))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).hasValue("input[1]"));
    }

    @Test
    void aNameNoModelCanHaveIsNotFound() {
        assertThatThrownBy(() -> read("{\"model\":\"Text Embedding!\",\"input\":\"x\"}"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("Text Embedding!");
    }

    @Test
    void base64IsTheLittleEndianFloat32BytesOfEachValue() {
        // 1.0f = 0x3F800000, -2.5f = 0xC0200000, 0.15625f = 0x3E200000: least significant byte first
        byte[] bytes = Base64.getDecoder().decode(OpenAiEmbeddingsJson.base64(new double[]{1.0, -2.5, 0.15625}));

        assertThat(bytes).containsExactly(
                0x00, 0x00, (byte) 0x80, 0x3F,
                0x00, 0x00, 0x20, (byte) 0xC0,
                0x00, 0x00, 0x20, 0x3E);
    }

    @Test
    void base64RoundsEachValueToFloat32() {
        // 0.1 as a double is not a float: the bytes are those of 0.1f (0x3DCCCCCD)
        byte[] bytes = Base64.getDecoder().decode(OpenAiEmbeddingsJson.base64(new double[]{0.1}));

        assertThat(bytes).containsExactly((byte) 0xCD, (byte) 0xCC, (byte) 0xCC, 0x3D);
    }

    @Test
    void theAnswerIsOpenAisListWithIndexesModelAndUsage() throws Exception {
        OpenAiEmbeddingsJson.Call call = read("{\"input\":[\"a\",\"b\"],\"model\":\"gemini-embedding-001\"}");
        List<double[]> vectors = OpenAiEmbeddingsJson.vectors(
                "{\"embeddings\":[{\"values\":[0.25,-0.012345678901]},{\"values\":[1,0]}]}", 2);

        JsonNode answer = new ObjectMapper().readTree(OpenAiEmbeddingsJson.write(call, vectors, 7));

        assertThat(answer.toString()).isEqualTo("{\"object\":\"list\",\"data\":["
                + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,-0.012345678901]},"
                + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[1.0,0.0]}],"
                + "\"model\":\"gemini-embedding-001\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}");
    }

    @Test
    void theBase64AnswerCarriesOneStringPerInput() throws Exception {
        OpenAiEmbeddingsJson.Call call = read("{\"input\":\"a\",\"model\":\"gemini-embedding-001\","
                + "\"encoding_format\":\"base64\"}");

        JsonNode answer = new ObjectMapper().readTree(OpenAiEmbeddingsJson.write(call,
                List.of(new double[]{1.0}), 1));

        assertThat(answer.at("/data/0/embedding").asText()).isEqualTo("AACAPw=="); // 00 00 80 3F
    }

    @Test
    void anUpstreamAnswerWithTheWrongNumberOfEmbeddingsIsAProtocolError() {
        assertThatThrownBy(() -> OpenAiEmbeddingsJson.vectors("{\"embeddings\":[{\"values\":[1]}]}", 2))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL_ERROR));
        assertThatThrownBy(() -> OpenAiEmbeddingsJson.vectors("{\"embedding\":{\"values\":[1]}}", 1))
                .isInstanceOf(UpstreamException.class);
    }

    private static void assertRefused(String body, String field) {
        assertThatThrownBy(() -> read(body)).as(body)
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).hasValue(field));
    }
}
