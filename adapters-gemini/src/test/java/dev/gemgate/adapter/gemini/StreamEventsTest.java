package dev.gemgate.adapter.gemini;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Telling Google's error events from chunks without parsing every chunk. */
class StreamEventsTest {
    @Test
    void anEventWhoseFirstFieldIsErrorIsAnErrorEvent() {
        assertThat(GenAiGenerationAdapter.isErrorEvent("{\"error\":{\"code\":503}}")).isTrue();
        assertThat(GenAiGenerationAdapter.isErrorEvent(" {\n  \"error\": {\"code\": 429}}")).isTrue();
    }

    @Test
    void aChunkMentioningErrorsIsAChunk() {
        assertThat(GenAiGenerationAdapter.isErrorEvent(
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{\\\"error\\\":1}\"}]}}]}")).isFalse();
        assertThat(GenAiGenerationAdapter.isErrorEvent("{\"errorRate\":1}")).isFalse();
        assertThat(GenAiGenerationAdapter.isErrorEvent("")).isFalse();
        assertThat(GenAiGenerationAdapter.isErrorEvent("[]")).isFalse();
    }
}
