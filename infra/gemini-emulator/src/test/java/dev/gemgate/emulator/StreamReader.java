package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a stream as it arrives, event by event, noting when each arrived (epoch microseconds, the clock of
 * {@code emulatorSentAtMicros}). SSE events are split at {@code \r\n\r\n}; over a raw socket the HTTP chunk framing is
 * read as it comes (only complete events are returned).
 */
final class StreamReader implements AutoCloseable {

    /** One event: its JSON text and when it arrived. */
    record Event(String json, long arrivedMicros) {
        JsonNode node() {
            try {
                return EmulatorClient.JSON.readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final InputStream in;
    private final Socket socket;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    final int status;
    final long headersArrivedMicros;

    private StreamReader(InputStream in, Socket socket, int status, long headersArrivedMicros) {
        this.in = in;
        this.socket = socket;
        this.status = status;
        this.headersArrivedMicros = headersArrivedMicros;
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Sends a POST with java.net.http and returns once the response headers have arrived. */
    static StreamReader open(EmulatorClient client, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = client.request(path).header("x-goog-api-key", EmulatorClient.KEY)
                .timeout(java.time.Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> response = client.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        return new StreamReader(response.body(), null, response.statusCode(), nowMicros());
    }

    /**
     * Sends a POST over a plain socket ({@code Connection: close}) and returns once the status line and headers are read;
     * the chunked body is decoded as it arrives, and a connection closed before its last chunk is an IOException.
     * Closing the reader closes the socket: the way to cut a stream exactly.
     */
    static StreamReader openRaw(GeminiEmulator emulator, String path, String body) throws IOException {
        URI uri = URI.create(emulator.baseUrl());
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nx-goog-api-key: k\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        while (!headers.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the headers: " + headers);
            }
            headers.write(b);
        }
        String statusLine = headers.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
        return new StreamReader(new ChunkedBody(in), socket, Integer.parseInt(statusLine.split(" ")[1]), nowMicros());
    }

    /** The next SSE event ({@code data: } removed), or null at the end of the stream. */
    Event nextSse() throws IOException {
        while (true) {
            String text = pending.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                String event = text.substring(0, end);
                byte[] rest = text.substring(end + 4).getBytes(StandardCharsets.UTF_8);
                pending.reset();
                pending.write(rest);
                if (!event.startsWith("data: ")) {
                    throw new IllegalStateException("not an SSE data event: " + event);
                }
                return new Event(event.substring("data: ".length()), nowMicros());
            }
            if (!fill()) {
                if (pending.size() > 0) {
                    throw new IllegalStateException("stream ended inside an event: " + text);
                }
                return null;
            }
        }
    }

    /** Every remaining SSE event. */
    List<Event> remainingSse() throws IOException {
        List<Event> events = new ArrayList<>();
        for (Event e = nextSse(); e != null; e = nextSse()) {
            events.add(e);
        }
        return events;
    }

    /** Everything that is left, as text. */
    String rest() throws IOException {
        while (fill()) {
            // read to the end
        }
        return pending.toString(StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
        byte[] buffer = new byte[8192];
        int n = in.read(buffer);
        if (n < 0) {
            return false;
        }
        pending.write(buffer, 0, n);
        return true;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        } else {
            in.close();
        }
    }

    /** Decodes {@code Transfer-Encoding: chunked} as it arrives. */
    private static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line();
                if (size == null) {
                    throw new IOException("connection closed before the last chunk");
                }
                left = Integer.parseInt(size.trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                throw new IOException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0) {
                line();
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    return sb.toString().replace("\r", "");
                }
                sb.append((char) c);
            }
            return sb.isEmpty() ? null : sb.toString();
        }
    }
}
