package dev.gemgate.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** STALL_STREAM: N chunks, then silence with the connection open until resume, reset or close. */
class StallTest {

    static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    /** "Echo: one two three four five" is 8 tokens: 4 chunks of 2. */
    static final String FOUR_CHUNKS = EmulatorClient.userText("one two three four five");

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build());
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

    static CompletableFuture<StreamReader.Event> nextAsync(StreamReader stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return stream.nextSse();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void sendsNChunksThenNothingWithTheConnectionOpenUntilTheEmulatorCloses() throws Exception {
        GeminiEmulator own = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build());
        try (StreamReader stream = StreamReader.openRaw(own, STREAM, FOUR_CHUNKS)) {
            own.faults().stallStreamAfter(1, 2);
            // the fault was queued after this stream started: it is whole
            assertThat(stream.remainingSse()).hasSize(4);
        }
        try (StreamReader stream = StreamReader.openRaw(own, STREAM, FOUR_CHUNKS)) {
            assertThat(stream.nextSse().node().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo:");
            assertThat(stream.nextSse()).isNotNull();
            own.awaitStalledStreams(1, Duration.ofSeconds(5));
            assertThat(own.stalledStreams()).isEqualTo(1);
            assertThat(own.streamLog().inProgress()).isEqualTo(1);

            CompletableFuture<StreamReader.Event> third = nextAsync(stream);
            // nothing comes while it is stalled (absence can only be shown over some time)
            assertThatThrownBy(() -> third.get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);

            long start = System.nanoTime();
            own.close();
            assertThatThrownBy(() -> third.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            own.close();
        }
        StreamLog.Record record = own.streamLog().await(r -> true, Duration.ofSeconds(5));
        assertThat(record.end()).isEqualTo(StreamLog.End.EMULATOR_CLOSED);
        assertThat(record.chunksWritten()).isEqualTo(2);
        assertThat(record.chunksPlanned()).isEqualTo(4);
        assertThat(own.stalledStreams()).isZero();
    }

    @Test
    void resumeLetsAStalledStreamFinish() throws Exception {
        emulator.faults().stallStreamAfter(1, 1);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS)) {
            StringBuilder text = new StringBuilder(stream.nextSse().node().at("/candidates/0/content/parts/0/text").asText());
            emulator.awaitStalledStreams(1, Duration.ofSeconds(5));
            assertThat(emulator.resumeStalledStreams()).isEqualTo(1);
            List<StreamReader.Event> rest = stream.remainingSse();
            assertThat(rest).hasSize(3);
            rest.forEach(e -> text.append(e.node().at("/candidates/0/content/parts/0/text").asText()));
            assertThat(text.toString()).isEqualTo("Echo: one two three four five");
            assertThat(rest.get(2).node().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        }
        emulator.streamLog().awaitCount(StreamLog.End.COMPLETED, 1, Duration.ofSeconds(5));
        assertThat(emulator.streamLog().records()).isEmpty();
    }

    @Test
    void resumeShowsAClientThatLeftDuringTheStallAsAClientCut() throws Exception {
        emulator.faults().stallStreamAfter(1, 2);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS)) {
            stream.nextSse();
            stream.nextSse();
            emulator.awaitStalledStreams(1, Duration.ofSeconds(5));
        }
        emulator.resumeStalledStreams();
        StreamLog.Record cut = emulator.streamLog().awaitClientCut(Duration.ofSeconds(5));
        assertThat(cut.chunksWritten()).isEqualTo(2);
        assertThat(cut.chunksPlanned()).isEqualTo(4);
        assertThat(cut.model()).isEqualTo("gemini-2.5-flash");
        assertThat(cut.sse()).isTrue();
    }

    @Test
    void aStallAfterEveryChunkSendsTheWholeTextButNeverEndsTheResponse() throws Exception {
        emulator.faults().stallStreamAfter(1, 100);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS)) {
            for (int i = 0; i < 4; i++) {
                assertThat(stream.nextSse()).isNotNull();
            }
            emulator.awaitStalledStreams(1, Duration.ofSeconds(5));
            CompletableFuture<StreamReader.Event> end = nextAsync(stream);
            assertThatThrownBy(() -> end.get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            emulator.resumeStalledStreams();
            assertThat(end.get(5, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void resetDropsStalledStreamsAndRecordsNothing() throws Exception {
        emulator.faults().stallStreamAfter(1, 1);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS)) {
            stream.nextSse();
            emulator.awaitStalledStreams(1, Duration.ofSeconds(5));
            EmulatorClient.Reply reset = client.send(client.request("/emulator/reset")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(reset.status()).isEqualTo(200);
            assertThatThrownBy(stream::nextSse).isInstanceOf(IOException.class);
        }
        assertThat(emulator.stalledStreams()).isZero();
        assertThat(emulator.streamLog().records()).isEmpty();
        assertThat(emulator.streamLog().counts().values()).containsOnly(0L);
    }

    @Test
    void stalledStreamsHoldNoPlatformThread() throws Exception {
        // more stalls than carrier threads: if a stall held its carrier, the calls below could not be served
        int stalls = Runtime.getRuntime().availableProcessors() * 4 + 4;
        emulator.faults().stallStreamAfter(stalls, 1);
        List<StreamReader> streams = new ArrayList<>();
        try {
            for (int i = 0; i < stalls; i++) {
                streams.add(StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS));
            }
            emulator.awaitStalledStreams(stalls, Duration.ofSeconds(10));
            assertThat(client.post("/v1beta/models/gemini-2.5-flash:generateContent", FOUR_CHUNKS).status()).isEqualTo(200);
            try (StreamReader other = StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS)) {
                assertThat(other.remainingSse()).hasSize(4);
            }
            assertThat(emulator.resumeStalledStreams()).isEqualTo(stalls);
            for (StreamReader stream : streams) {
                assertThat(stream.remainingSse()).hasSize(4);
            }
        } finally {
            for (StreamReader stream : streams) {
                stream.close();
            }
        }
        emulator.streamLog().awaitCount(StreamLog.End.COMPLETED, stalls + 1, Duration.ofSeconds(5));
    }

    @Test
    void stallsAndResumeOverTheControlApi() throws Exception {
        EmulatorClient.Reply added = client.send(client.request("/emulator/faults").POST(HttpRequest.BodyPublishers
                .ofString("{\"type\":\"STALL_STREAM\",\"afterChunks\":2}")).build());
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json().get(0).path("afterChunks").asInt()).isEqualTo(2);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, FOUR_CHUNKS)) {
            stream.nextSse();
            stream.nextSse();
            emulator.awaitStalledStreams(1, Duration.ofSeconds(5));
            assertThat(client.get("/emulator/streams").json().path("stalled").asInt()).isEqualTo(1);
            EmulatorClient.Reply resumed = client.send(client.request("/emulator/streams/resume")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(resumed.json().path("resumed").asInt()).isEqualTo(1);
            assertThat(stream.remainingSse()).hasSize(2);
        }
    }

    @Test
    void unaryCallsLeaveAStallQueued() {
        emulator.faults().stallStreamAfter(1, 0);
        assertThat(client.post("/v1beta/models/gemini-2.5-flash:generateContent", FOUR_CHUNKS).status()).isEqualTo(200);
        assertThat(emulator.faults().pending()).hasSize(1);
        assertThatThrownBy(() -> emulator.faults().stallStreamAfter(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
