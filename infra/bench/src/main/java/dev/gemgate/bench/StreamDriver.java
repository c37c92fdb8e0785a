package dev.gemgate.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Streamed calls ({@code :streamGenerateContent?alt=sse}) with java.net.http.HttpClient (HTTP/1.1, keep-alive), each
 * read by an {@link SseStream} that times every chunk as it arrives.
 *
 * @param chunks      chunks per stream (the reply is cut at {@code chunks * chunkTokens} tokens)
 * @param chunkTokens the emulator's tokens per chunk ({@code --chunk-tokens}, 8 by default)
 * @param timeout     how long one stream may take, start to end
 */
record StreamDriver(int chunks, int chunkTokens, Duration timeout) {

    /**
     * One stream, start to end, recorded into {@code stats}; {@code onFirstChunk} (may be null) runs when its first
     * chunk arrives. The client should run its completion stages on its selector thread ({@link JavaDriver#client()}).
     * Returns how many chunks arrived.
     */
    int once(HttpClient client, Target target, StreamStats stats, Runnable onFirstChunk) {
        SseStream sse = new SseStream(onFirstChunk);
        HttpRequest request = target.streamRequest(timeout, chunks, chunkTokens);
        CompletableFuture<HttpResponse<SseStream>> call = client.sendAsync(request, sse.handler());
        int status = 0;
        try {
            status = call.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            sse.failed(e);
        } catch (ExecutionException e) {
            sse.failed(e.getCause());
        } catch (TimeoutException e) {
            call.cancel(true);
            sse.failed(new TimeoutException("stream not finished within " + timeout.toSeconds() + " s"));
        }
        stats.record(status, sse);
        return sse.chunks();
    }

    /**
     * Sequential streams: one connection per path, one stream at a time. After the warm-up the paths take turns in
     * blocks, as in {@link JavaDriver#sequential}.
     */
    Map<String, StreamStats> sequential(List<Target> targets, int warmup, int streams, int block,
                                        Consumer<String> log) {
        Map<String, HttpClient> clients = new LinkedHashMap<>();
        Map<String, StreamStats> stats = new LinkedHashMap<>();
        try {
            for (Target t : targets) {
                HttpClient c = JavaDriver.client();
                clients.put(t.name(), c);
                stats.put(t.name(), new StreamStats());
                StreamStats warm = new StreamStats();
                for (int i = 0; i < warmup; i++) {
                    once(c, t, warm, null);
                }
                log.accept("  warm-up " + t.name() + ": " + warmup + " streams, " + warm.chunkCount() + " chunks"
                        + (warm.errorCount() > 0 ? ", ERRORS " + warm.errorSummary() : ""));
            }
            int done = 0;
            while (done < streams) {
                int n = Math.min(block, streams - done);
                for (Target t : targets) {
                    HttpClient c = clients.get(t.name());
                    StreamStats s = stats.get(t.name());
                    for (int i = 0; i < n; i++) {
                        once(c, t, s, null);
                    }
                }
                done += n;
            }
        } finally {
            clients.values().forEach(HttpClient::close);
        }
        return stats;
    }
}
