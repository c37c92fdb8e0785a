package dev.gemgate.adapter.gemini;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link JsonBodies#readReply} reads a reply's usage and finish reason without its tree: the same facts, and the same
 * refusals, as the tree {@link JsonBodies#parseObject} builds; {@link LazyJsonObject} builds that tree on first read.
 */
class ReplyFactsTest {
    private final JsonBodies json = new JsonBodies();

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]},\"finishReason\":\"STOP\"}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":3,\"totalTokenCount\":10},"
                    + "\"modelVersion\":\"gemini-2.5-flash\"}",
            // usage first, thoughts, cached and audio tokens, a float count as the Java SDK writes one
            "{\"usageMetadata\":{\"promptTokenCount\":40.0,\"candidatesTokenCount\":2,\"thoughtsTokenCount\":5,"
                    + "\"cachedContentTokenCount\":50,\"promptTokensDetails\":["
                    + "{\"modality\":\"AUDIO\",\"tokenCount\":9},{\"modality\":\"TEXT\",\"tokenCount\":31}]},"
                    + "\"candidates\":[{\"finishReason\":\"MAX_TOKENS\"}]}",
            // the finish reason of the first candidate only; nested values named alike are not it
            "{\"candidates\":[{\"content\":{\"finishReason\":\"NESTED\"}},{\"finishReason\":\"STOP\"}]}",
            "{\"candidates\":[{\"finishReason\":{\"not\":\"a string\"}}],\"usageMetadata\":\"not an object\"}",
            "{\"candidates\":[\"not an object\",{\"finishReason\":\"STOP\"}]}",
            "{\"candidates\":{\"finishReason\":\"STOP\"}}",
            "{\"candidates\":[]}",
            "{}",
            "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":4}}",
            // repeated fields: the last one, as the tree keeps it
            "{\"usageMetadata\":{\"promptTokenCount\":1},\"candidates\":[{\"finishReason\":\"STOP\"}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":2},\"candidates\":[{\"content\":{}}]}",
            "{\"candidates\":[{\"finishReason\":\"STOP\",\"finishReason\":\"SAFETY\"}]}",
            "{\"usageMetadata\":{\"promptTokenCount\":3},\"usageMetadata\":null}",
            // text after the object is not read, by the tree's parse either
            "{\"usageMetadata\":{\"promptTokenCount\":3}} trailing",
            "  {\"candidates\":[[1,2],{\"a\":[{}]},null,true],\"x\":[{\"usageMetadata\":{\"promptTokenCount\":9}}]}",
    })
    void theFactsAreThoseOfTheTree(String reply) {
        Map<String, Object> tree = json.parseObject(reply);

        JsonBodies.ReplyFacts facts = json.readReply(reply);

        assertThat(facts.usage()).isEqualTo(JsonBodies.usage(tree));
        assertThat(facts.finishReason()).isEqualTo(GenerationResponse.firstFinishReason(tree));
    }

    @Test
    void theFactsAreReadFromARealReply() {
        JsonBodies.ReplyFacts facts = json.readReply("{\"candidates\":[{\"finishReason\":\"STOP\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":3,\"thoughtsTokenCount\":2}}");

        assertThat(facts.finishReason()).contains("STOP");
        assertThat(facts.usage().promptTokens()).isEqualTo(7);
        assertThat(facts.usage().outputTokens()).isEqualTo(5); // candidates and thoughts, as Google bills them
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "[{\"candidates\":[]}]", "\"text\"", "42",
            "{\"candidates\":[{\"finishReason\"", "{\"candidates\":[{}", "{\"usageMetadata\":{\"promptTokenCount\":}",
            "{\"a\":1,}", "{'a':1}", "null"})
    void whatTheTreeRefusesIsRefusedAlike(String reply) {
        UpstreamException byTree = catchThrowableOfType(UpstreamException.class, () -> json.parseObject(reply));
        UpstreamException byFacts = catchThrowableOfType(UpstreamException.class, () -> json.readReply(reply));

        assertThat(byTree).isNotNull();
        assertThat(byFacts).isNotNull();
        assertThat(byFacts.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL_ERROR).isEqualTo(byTree.kind());
        assertThat(byFacts.getMessage()).isEqualTo(byTree.getMessage());
    }

    @Test
    void theTreeIsBuiltOnFirstReadOnlyAndIsTheParsedTree() {
        String reply = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]},\"finishReason\":\"STOP\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":7}}";
        LazyJsonObject lazy = new LazyJsonObject(reply, json);
        JsonBodies.ReplyFacts facts = json.readReply(reply);
        GenerationResponse response = new GenerationResponse(ModelId.parse("gemini-2.5-flash"), lazy, facts.usage(),
                Optional.of(reply), facts.finishReason());

        assertThat(response.finishReason()).contains("STOP");
        assertThat(response.json()).contains(reply);
        assertThat(lazy.parsed()).isFalse();

        assertThat(response.text()).isEqualTo("hi");
        assertThat(lazy.parsed()).isTrue();
        assertThat(response.body()).isEqualTo(json.parseObject(reply)).hasSize(2).containsKey("usageMetadata");
        assertThat(lazy.keySet()).containsExactly("candidates", "usageMetadata");
    }

    @Test
    void threadsReadingAtOnceShareOneTree() throws Exception {
        String reply = "{\"candidates\":[{\"finishReason\":\"STOP\"}]}";
        LazyJsonObject lazy = new LazyJsonObject(reply, json);
        List<Callable<Object>> reads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            reads.add(() -> lazy.get("candidates"));
        }
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<Object>> read = threads.invokeAll(reads);
            Object first = read.getFirst().get();
            for (Future<Object> each : read) {
                assertThat(each.get()).isSameAs(first);
            }
        }
    }

    @Test
    void aNumberOverJacksonsLengthLimitIsRefusedEvenWhereItIsSkipped() {
        String reply = "{\"candidates\":[{\"finishReason\":\"STOP\"}],\"n\":" + "1".repeat(2_000) + "}";

        UpstreamException byFacts = catchThrowableOfType(UpstreamException.class, () -> json.readReply(reply));
        UpstreamException byTree = catchThrowableOfType(UpstreamException.class, () -> json.parseObject(reply));

        assertThat(byFacts).isNotNull();
        assertThat(byTree).isNotNull();
        assertThat(byFacts.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL_ERROR).isEqualTo(byTree.kind());
    }

    @Test
    void aTreeThatCannotBeBuiltFailsWithTheSameRefusalWhenRead() {
        LazyJsonObject lazy = new LazyJsonObject("[not an object]", json);

        assertThatThrownBy(() -> lazy.get("candidates")).isInstanceOf(UpstreamException.class)
                .hasMessage("the upstream sent a response that is not a JSON object");
        assertThat(lazy.parsed()).isFalse();
    }
}
