package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chunk delay (a fault or the configuration), its combinations with other faults, and chunk stamps. */
class StreamPacingTest {

    static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    static final String ARRAY_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    /** "Echo: one two three" is 6 tokens: 3 chunks of 2. */
    static final String THREE_CHUNKS = EmulatorClient.userText("one two three");

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).stampChunks(true).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    static long stamp(StreamReader.Event event) {
        JsonNode stamp = event.node().get("emulatorSentAtMicros");
        assertThat(stamp).as("emulatorSentAtMicros in " + event.json()).isNotNull();
        assertThat(stamp.isIntegralNumber()).isTrue();
        return stamp.asLong();
    }

    @Test
    void eachChunkWaitsTheDelayTheFirstAfterTheHeadersAndTheClientHasChunkOneBeforeTheLastIsWritten() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(150));
        long sentMicros = StreamReader.nowMicros();
        try (StreamReader stream = StreamReader.open(client, STREAM, THREE_CHUNKS)) {
            assertThat(stream.status).isEqualTo(200);
            List<StreamReader.Event> events = stream.remainingSse();

            assertThat(events).hasSize(3);
            long[] stamps = events.stream().mapToLong(StreamPacingTest::stamp).toArray();
            assertThat(stamps[0] - sentMicros).as("first chunk one delay after the request").isGreaterThanOrEqualTo(150_000);
            assertThat(stream.headersArrivedMicros).as("headers before the first chunk is written").isLessThan(stamps[0]);
            for (int i = 1; i < stamps.length; i++) {
                assertThat(stamps[i] - stamps[i - 1]).as("gap before chunk " + i).isGreaterThanOrEqualTo(150_000);
            }
            // each chunk is flushed when written: chunk 1 arrived before the emulator even wrote the last one
            assertThat(events.get(0).arrivedMicros()).isLessThan(stamps[2]);
            StringBuilder text = new StringBuilder();
            events.forEach(e -> text.append(e.node().at("/candidates/0/content/parts/0/text").asText()));
            assertThat(text.toString()).isEqualTo("Echo: one two three");
        }
        assertThat(emulator.faults().pending()).isEmpty();
        assertThat(emulator.streamLog().completed()).isEqualTo(1);
    }

    @Test
    void theJsonArrayFormIsPacedElementByElementToo() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(100));
        try (StreamReader stream = StreamReader.open(client, ARRAY_STREAM, THREE_CHUNKS)) {
            JsonNode array = EmulatorClient.JSON.readTree(stream.rest());
            assertThat(array).hasSize(3);
            for (int i = 1; i < 3; i++) {
                assertThat(array.get(i).path("emulatorSentAtMicros").asLong()
                        - array.get(i - 1).path("emulatorSentAtMicros").asLong()).isGreaterThanOrEqualTo(100_000);
            }
        }
    }

    @Test
    void theConfigurationPacesEveryStreamAndAFaultOverridesIt() throws Exception {
        try (GeminiEmulator paced = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).stampChunks(true)
                .streamChunkDelay(Duration.ofMillis(300)).build())) {
            EmulatorClient pacedClient = new EmulatorClient(paced);
            try (StreamReader stream = StreamReader.open(pacedClient, STREAM, THREE_CHUNKS)) {
                long[] stamps = stream.remainingSse().stream().mapToLong(StreamPacingTest::stamp).toArray();
                assertThat(stamps).hasSize(3);
                assertThat(stamps[2] - stamps[0]).isGreaterThanOrEqualTo(600_000);
            }
            paced.faults().chunkDelay(1, Duration.ZERO);
            try (StreamReader stream = StreamReader.open(pacedClient, STREAM, THREE_CHUNKS)) {
                long[] stamps = stream.remainingSse().stream().mapToLong(StreamPacingTest::stamp).toArray();
                assertThat(stamps).hasSize(3);
                assertThat(stamps[2] - stamps[0]).as("not paced by the configuration").isLessThan(300_000);
            }
        }
    }

    @Test
    void combinesWithLatencyBeforeTheHeadersAndAStreamErrorOneDelayAfterTheLastChunk() throws Exception {
        emulator.faults().latency(1, Duration.ofMillis(200)).chunkDelay(1, Duration.ofMillis(100)).streamError(1, 2, 503);
        long sentMicros = StreamReader.nowMicros();
        try (StreamReader stream = StreamReader.open(client, STREAM, THREE_CHUNKS)) {
            assertThat(stream.headersArrivedMicros - sentMicros).as("latency before the headers")
                    .isGreaterThanOrEqualTo(200_000);
            List<StreamReader.Event> events = stream.remainingSse();
            assertThat(events).hasSize(3);
            long first = stamp(events.get(0));
            long second = stamp(events.get(1));
            assertThat(first - sentMicros).isGreaterThanOrEqualTo(300_000);
            assertThat(second - first).isGreaterThanOrEqualTo(100_000);
            assertThat(events.get(2).node().at("/error/code").asInt()).isEqualTo(503);
            assertThat(events.get(2).arrivedMicros() - second).isGreaterThanOrEqualTo(100_000);
        }
        assertThat(emulator.faults().pending()).isEmpty();
        emulator.streamLog().awaitCount(StreamLog.End.ERROR_EVENT, 1, Duration.ofSeconds(5));
    }

    @Test
    void combinesWithACutStream() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(100)).cutStreamAfter(1, 2);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, THREE_CHUNKS)) {
            StreamReader.Event first = stream.nextSse();
            StreamReader.Event second = stream.nextSse();
            assertThat(stamp(second) - stamp(first)).isGreaterThanOrEqualTo(100_000);
            assertThatThrownBy(stream::nextSse).isInstanceOf(IOException.class);
        }
        StreamLog.Record cut = emulator.streamLog().await(r -> r.end() == StreamLog.End.FAULT_CUT, Duration.ofSeconds(5));
        assertThat(cut.chunksWritten()).isEqualTo(2);
        assertThat(cut.chunksPlanned()).isEqualTo(3);
        assertThat(cut.clientCut()).isFalse();
    }

    @Test
    void unaryCallsLeaveAChunkDelayQueued() {
        emulator.faults().chunkDelay(1, Duration.ofSeconds(30));
        assertThat(client.post("/v1beta/models/gemini-2.5-flash:generateContent", THREE_CHUNKS).status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).singleElement()
                .satisfies(f -> assertThat(f.type()).isEqualTo(FaultPlan.Type.CHUNK_DELAY));
    }

    @Test
    void closingTheEmulatorReleasesAStreamWaitingForItsNextChunk() throws Exception {
        GeminiEmulator own = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build());
        try {
            own.faults().chunkDelay(1, Duration.ofSeconds(30));
            StreamReader stream = StreamReader.openRaw(own, STREAM, THREE_CHUNKS);
            CompletableFuture<StreamReader.Event> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return stream.nextSse();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(own.streamLog().inProgress()).isEqualTo(1);
            long start = System.nanoTime();
            own.close();
            assertThatThrownBy(() -> next.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.UncheckedIOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            StreamLog.Record record = own.streamLog().await(r -> true, Duration.ofSeconds(5));
            assertThat(record.end()).isEqualTo(StreamLog.End.EMULATOR_CLOSED);
            assertThat(record.chunksWritten()).isZero();
            stream.close();
        } finally {
            own.close();
        }
    }

    @Test
    void chunkDelayOverTheControlApi() {
        EmulatorClient.Reply added = client.send(client.request("/emulator/faults").POST(java.net.http.HttpRequest
                .BodyPublishers.ofString("{\"type\":\"CHUNK_DELAY\",\"times\":-1,\"delayMillis\":250}")).build());
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json().get(0).path("type").asText()).isEqualTo("CHUNK_DELAY");
        assertThat(added.json().get(0).path("delayMillis").asLong()).isEqualTo(250);
        assertThat(emulator.faults().pending()).singleElement().satisfies(f -> {
            assertThat(f.delay()).isEqualTo(Duration.ofMillis(250));
            assertThat(f.times()).isEqualTo(-1);
        });
        assertThat(client.send(client.request("/emulator/faults").POST(java.net.http.HttpRequest.BodyPublishers
                .ofString("{\"type\":\"CHUNK_DELAY\"}")).build()).status()).isEqualTo(400);
    }
}
