package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stream log: client cuts recorded with the chunks written, completed streams counted. */
class StreamLogTest {

    static final String STREAM = "/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse";
    static final String ARRAY_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    /** 2 tokens per chunk: "Echo: " + ten words of up to 4 letters is 12 tokens, 6 chunks. */
    static final String SIX_CHUNKS = EmulatorClient.userText("a b c d e f g h i j");

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

    @Test
    void aClientThatDisconnectsMidStreamIsRecordedWithTheChunksWrittenBeforeTheCut() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(150));
        Instant before = Instant.now();
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, SIX_CHUNKS)) {
            stream.nextSse();
            stream.nextSse();
        }
        StreamLog.Record cut = emulator.streamLog().awaitClientCut(Duration.ofSeconds(5));

        assertThat(cut.clientCut()).isTrue();
        assertThat(cut.end()).isEqualTo(StreamLog.End.CLIENT_CUT);
        assertThat(cut.model()).isEqualTo("gemini-3.5-flash");
        assertThat(cut.sse()).isTrue();
        assertThat(cut.chunksPlanned()).isEqualTo(6);
        // the client read 2; the kernel may take one more write into the closed connection
        assertThat(cut.chunksWritten()).isBetween(2, 3);
        assertThat(cut.responseId()).isNotBlank();
        assertThat(cut.startedAt()).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(cut.endedAt()).isAfter(cut.startedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(emulator.streamLog().count(StreamLog.End.CLIENT_CUT)).isEqualTo(1);
        assertThat(emulator.streamLog().completed()).isZero();
        assertThat(emulator.streamLog().clientCuts()).containsExactly(cut);
        assertThat(emulator.streamLog().inProgress()).isZero();
    }

    @Test
    void aJavaNetHttpClientClosingAJsonArrayStreamIsACutToo() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(150));
        HttpRequest request = client.request(ARRAY_STREAM).header("x-goog-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(SIX_CHUNKS)).build();
        HttpResponse<InputStream> response = client.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertThat(body.read()).isEqualTo('[');
        }
        StreamLog.Record cut = emulator.streamLog().awaitClientCut(Duration.ofSeconds(5));
        assertThat(cut.sse()).isFalse();
        assertThat(cut.chunksWritten()).isBetween(1, 3);
    }

    @Test
    void completedStreamsAreCountedNotRecorded() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, SIX_CHUNKS)) {
                assertThat(stream.remainingSse()).hasSize(6);
            }
        }
        emulator.streamLog().awaitCount(StreamLog.End.COMPLETED, 3, Duration.ofSeconds(5));
        assertThat(emulator.streamLog().completed()).isEqualTo(3);
        assertThat(emulator.streamLog().records()).isEmpty();
        assertThatThrownBy(() -> emulator.streamLog().awaitClientCut(Duration.ofMillis(50)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no matching stream record");
    }

    @Test
    void faultCutsAndErrorEventsAreRecordedButAreNotClientCuts() throws Exception {
        emulator.faults().cutStreamAfter(1, 2).streamError(1, 3, 500);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, SIX_CHUNKS)) {
            stream.nextSse();
            stream.nextSse();
            assertThatThrownBy(stream::nextSse).isInstanceOf(IOException.class);
        }
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, SIX_CHUNKS)) {
            assertThat(stream.remainingSse()).hasSize(4);
        }
        emulator.streamLog().awaitCount(StreamLog.End.ERROR_EVENT, 1, Duration.ofSeconds(5));
        assertThat(emulator.streamLog().records()).extracting(StreamLog.Record::end, StreamLog.Record::chunksWritten)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StreamLog.End.FAULT_CUT, 2),
                        org.assertj.core.groups.Tuple.tuple(StreamLog.End.ERROR_EVENT, 3));
        assertThat(emulator.streamLog().clientCuts()).isEmpty();
    }

    @Test
    void theControlApiShowsCountsAndRecordsAndClearsThem() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(150));
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, SIX_CHUNKS)) {
            stream.nextSse();
        }
        emulator.streamLog().awaitClientCut(Duration.ofSeconds(5));
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, SIX_CHUNKS)) {
            stream.remainingSse();
        }
        emulator.streamLog().awaitCount(StreamLog.End.COMPLETED, 1, Duration.ofSeconds(5));

        JsonNode view = client.get("/emulator/streams").json();
        assertThat(view.at("/counts/COMPLETED").asLong()).isEqualTo(1);
        assertThat(view.at("/counts/CLIENT_CUT").asLong()).isEqualTo(1);
        assertThat(view.at("/counts/FAULT_CUT").asLong()).isZero();
        assertThat(view.path("inProgress").asInt()).isZero();
        assertThat(view.path("stalled").asInt()).isZero();
        JsonNode record = view.path("records").get(0);
        assertThat(record.path("model").asText()).isEqualTo("gemini-3.5-flash");
        assertThat(record.path("end").asText()).isEqualTo("CLIENT_CUT");
        assertThat(record.path("clientCut").asBoolean()).isTrue();
        assertThat(record.path("sse").asBoolean()).isTrue();
        assertThat(record.path("chunksWritten").asInt()).isBetween(1, 2);
        assertThat(record.path("chunksPlanned").asInt()).isEqualTo(6);
        assertThat(Instant.parse(record.path("endedAt").asText())).isAfterOrEqualTo(Instant.parse(record.path("startedAt").asText()));

        EmulatorClient.Reply cleared = client.send(client.request("/emulator/streams").DELETE().build());
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().path("records")).isEmpty();
        assertThat(emulator.streamLog().completed()).isZero();
        assertThat(client.send(client.request("/emulator/streams").POST(HttpRequest.BodyPublishers.noBody()).build())
                .status()).isEqualTo(405);
    }
}
