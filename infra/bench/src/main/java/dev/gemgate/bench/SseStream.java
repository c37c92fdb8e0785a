package dev.gemgate.bench;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Reads one {@code alt=sse} stream as its bytes arrive and times every chunk: the receive time is taken when the HTTP
 * client hands over the bytes that complete an event ({@code data: <json>} and a blank line), and the chunk's delivery
 * latency is that time minus the {@code "emulatorSentAtMicros"} the emulator stamped into the chunk just before writing
 * it (epoch microseconds, same machine clock).
 *
 * <p>It is a plain {@link Flow.Subscriber} given to {@link HttpResponse.BodySubscribers#fromSubscriber}: with the
 * driver's same-thread executor, {@link #onNext} runs on the HTTP client's selector thread right after the socket read,
 * with no queue or thread hop between the socket and the clock (unlike {@code ofInputStream} or {@code ofLines}, which
 * hand the bytes to another thread). One instance per request; it asks for everything at once.
 */
final class SseStream implements Flow.Subscriber<List<ByteBuffer>> {

    private static final byte[] STAMP = "\"emulatorSentAtMicros\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FINISH = "\"finishReason\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "{\"error\"".getBytes(StandardCharsets.US_ASCII);

    /** Called when a stream delivers its first chunk (the streams-in-flight phase counts open streams with it). */
    private final Runnable onFirstChunk;
    private byte[] event = new byte[2048];
    private int length;
    /** Delivery latency of each chunk, microseconds, in arrival order. */
    private long[] latencies = new long[16];
    private int chunks;
    private boolean lastHadFinishReason;
    private int unstamped;
    private int negative;
    private String errorEvent;
    private boolean trailingBytes;
    private Throwable failure;

    SseStream(Runnable onFirstChunk) {
        this.onFirstChunk = onFirstChunk;
    }

    HttpResponse.BodyHandler<SseStream> handler() {
        return info -> HttpResponse.BodySubscribers.fromSubscriber(this, s -> s);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        long now = nowMicros(); // the bytes are here: every event they complete arrived now
        for (ByteBuffer b : items) {
            while (b.hasRemaining()) {
                byte c = b.get();
                if (c == '\r') {
                    continue; // events end with a blank line: \r\n\r\n (Google's framing) or \n\n
                }
                if (length == event.length) {
                    event = Arrays.copyOf(event, length * 2);
                }
                event[length++] = c;
                if (c == '\n' && length >= 2 && event[length - 2] == '\n') {
                    event(length - 2, now);
                    length = 0;
                }
            }
        }
    }

    private void event(int end, long now) {
        int from = 0;
        while (from < end && (event[from] == '\n' || event[from] == ' ')) {
            from++;
        }
        if (from == end || !startsWith(from, end, DATA)) {
            return; // a comment or an empty event
        }
        from += DATA.length;
        while (from < end && event[from] == ' ') {
            from++;
        }
        if (startsWith(from, end, ERROR)) {
            errorEvent = new String(event, from, Math.min(end - from, 160), StandardCharsets.UTF_8);
            return;
        }
        if (chunks == latencies.length) {
            latencies = Arrays.copyOf(latencies, chunks * 2);
        }
        lastHadFinishReason = indexOf(FINISH, from, end) >= 0;
        int stamp = lastIndexOf(STAMP, from, end);
        long latency = -1;
        if (stamp < 0) {
            unstamped++;
        } else {
            long sent = 0;
            for (int i = stamp + STAMP.length; i < end && event[i] >= '0' && event[i] <= '9'; i++) {
                sent = sent * 10 + (event[i] - '0');
            }
            latency = now - sent;
            if (latency < 0) { // the stamp is truncated to whole microseconds, as is this clock
                negative++;
                latency = 0;
            }
        }
        latencies[chunks++] = latency;
        if (chunks == 1 && onFirstChunk != null) {
            onFirstChunk.run();
        }
    }

    private boolean startsWith(int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (event[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(byte[] needle, int from, int end) {
        outer:
        for (int i = from; i <= end - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (event[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private int lastIndexOf(byte[] needle, int from, int end) {
        outer:
        for (int i = end - needle.length; i >= from; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (event[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void onError(Throwable throwable) {
        failed(throwable);
    }

    /** The request failed (also before any body: no connection, a timeout); the first failure is kept. */
    void failed(Throwable throwable) {
        if (failure == null) {
            failure = throwable;
        }
    }

    @Override
    public void onComplete() {
        for (int i = 0; i < length; i++) {
            if (event[i] != '\n' && event[i] != ' ') {
                trailingBytes = true; // an event without its blank line: the stream was cut mid-event
                break;
            }
        }
    }

    int chunks() {
        return chunks;
    }

    /** Microseconds from the emulator's write to this client's read; -1 for a chunk without a stamp. */
    long latencyMicros(int chunk) {
        return latencies[chunk];
    }

    int negative() {
        return negative;
    }

    /**
     * Why this stream did not end normally, or null if it did: HTTP 200, at least one chunk, every chunk stamped, no
     * error event, nothing cut mid-event, and the last chunk carrying a finishReason.
     */
    String problem(int status) {
        if (failure != null) {
            return Stats.kind(failure);
        }
        if (status != 200) {
            return "HTTP " + status;
        }
        if (errorEvent != null) {
            return "error event " + errorEvent.replaceAll("\"message\":\"[^\"]*\"", "\"message\":...");
        }
        if (trailingBytes) {
            return "cut mid-event";
        }
        if (chunks == 0) {
            return "no chunk";
        }
        if (!lastHadFinishReason) {
            return "last chunk without finishReason";
        }
        if (unstamped > 0) {
            return "chunk without emulatorSentAtMicros (emulator not started with --stamp-chunks?)";
        }
        return null;
    }
}
