package dev.gemgate.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatorMainTest {

    @Test
    void parsesArguments() {
        EmulatorConfig config = EmulatorMain.parse(new String[] {"--port", "18089", "--host=0.0.0.0", "--api-key", "a,b",
                "--api-key=c", "--chunk-tokens", "3", "--no-record"});
        assertThat(config.port()).isEqualTo(18089);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.acceptedApiKeys()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(config.streamChunkTokens()).isEqualTo(3);
        assertThat(config.recordRequests()).isFalse();
    }

    @Test
    void recordingIsOptInAndTheBodyLimitIsSetInMegabytes() {
        EmulatorConfig defaults = EmulatorMain.parse(new String[0]);
        assertThat(defaults.recordRequests()).isFalse();
        assertThat(defaults.maxBodyBytes()).isEqualTo(150 * 1024 * 1024);

        EmulatorConfig config = EmulatorMain.parse(new String[] {"--record", "--max-body-mb=200"});
        assertThat(config.recordRequests()).isTrue();
        assertThat(config.maxBodyBytes()).isEqualTo(200 * 1024 * 1024);
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--max-body-mb", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--max-body-mb", "99999"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunkDelayAndChunkStampsAreOffUnlessAskedFor() {
        EmulatorConfig defaults = EmulatorMain.parse(new String[0]);
        assertThat(defaults.streamChunkDelay()).isEqualTo(java.time.Duration.ZERO);
        assertThat(defaults.stampChunks()).isFalse();

        EmulatorConfig config = EmulatorMain.parse(new String[] {"--chunk-delay-ms", "25", "--stamp-chunks"});
        assertThat(config.streamChunkDelay()).isEqualTo(java.time.Duration.ofMillis(25));
        assertThat(config.stampChunks()).isTrue();
        assertThat(EmulatorMain.parse(new String[] {"--chunk-delay-ms=0"}).streamChunkDelay()).isZero();
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--chunk-delay-ms", "-1"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--chunk-delay-ms", "soon"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchProgressIsSetInPollsAndSeconds() {
        EmulatorConfig defaults = EmulatorMain.parse(new String[0]);
        assertThat(defaults.batchPollsToComplete()).isEqualTo(2);
        assertThat(defaults.batchCompletionTime()).isEqualTo(java.time.Duration.ofSeconds(10));
        EmulatorConfig config = EmulatorMain.parse(new String[] {"--batch-polls", "5", "--batch-seconds=60"});
        assertThat(config.batchPollsToComplete()).isEqualTo(5);
        assertThat(config.batchCompletionTime()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--batch-polls", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsToPort8089WhenNoEnvironment() {
        if (System.getenv("EMULATOR_PORT") == null) {
            assertThat(EmulatorMain.parse(new String[0]).port()).isEqualTo(EmulatorMain.DEFAULT_PORT);
        }
        assertThat(EmulatorMain.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--bogus"})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--port"})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wildcardHostIsReportedAsLoopbackInTheBaseUrl() {
        try (GeminiEmulator emulator = GeminiEmulator.start(EmulatorConfig.builder().host("0.0.0.0").build())) {
            assertThat(emulator.baseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port());
        }
    }
}
