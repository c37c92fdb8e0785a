package dev.gemgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embeddings part: {@code embedContent} requests, each of its own text, sequentially (one connection, one request
 * at a time: a lone request, which must pay nothing for micro-batching) and concurrently (a closed loop of
 * {@code --embed-concurrency} workers, each on its own connection), straight to the emulator and through Gemgate. For
 * each run it reads the emulator's action log ({@code DELETE} then {@code GET /emulator/actions}): how many upstream
 * calls the requests cost and how many embeddings the largest one carried. Whether Gemgate micro-batches is its
 * configuration ({@code run.sh --embed-batching on|off}).
 */
final class EmbedBench {
    /** What one run cost upstream, from the emulator's action log. */
    record Upstream(long calls, long items, long largestCall) {
    }

    record Result(Stats stats, double seconds, Upstream upstream) {
    }

    private static final Pattern ACTION = Pattern.compile(
            "\\{\"model\":\"([^\"]*)\",\"action\":\"([^\"]*)\",\"calls\":(\\d+),\"items\":(\\d+),\"largestCall\":(\\d+)}");

    private final URI emulator;
    private final String model;
    private final int dimensions;
    private final Duration timeout;
    private final AtomicLong texts = new AtomicLong();

    EmbedBench(URI emulator, String model, int dimensions, Duration timeout) {
        this.emulator = emulator;
        this.model = model;
        this.dimensions = dimensions;
        this.timeout = timeout;
    }

    private HttpRequest request(URI base, String key) {
        String body = "{\"content\":{\"parts\":[{\"text\":\"embedding bench text " + texts.incrementAndGet()
                + "\"}]},\"outputDimensionality\":" + dimensions + "}";
        return HttpRequest.newBuilder(base.resolve("/v1beta/models/" + model + ":embedContent"))
                .timeout(timeout)
                .header("content-type", "application/json")
                .header("x-goog-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private void once(HttpClient client, URI base, String key, Stats stats) {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = null;
        Throwable failure = null;
        try {
            response = client.send(request(base, key), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception e) {
            failure = e;
        }
        stats.record(System.nanoTime() - t0, response, failure);
    }

    /** One request at a time on one connection: {@code warmup} unmeasured, then {@code requests}. */
    Result sequential(URI base, String key, int warmup, int requests) throws Exception {
        try (HttpClient client = JavaDriver.client()) {
            Stats ignored = new Stats();
            for (int i = 0; i < warmup; i++) {
                once(client, base, key, ignored);
            }
            clearActions();
            Stats stats = new Stats();
            long t0 = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                once(client, base, key, stats);
            }
            return new Result(stats, (System.nanoTime() - t0) / 1e9, actions());
        }
    }

    /** A closed loop: {@code concurrency} workers share {@code requests}, each on a connection of its own. */
    Result concurrent(URI base, String key, int concurrency, int requests) throws Exception {
        clearActions();
        AtomicLong left = new AtomicLong(requests);
        List<Stats> perWorker = new ArrayList<>();
        List<HttpClient> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                Stats stats = new Stats();
                HttpClient client = JavaDriver.client();
                perWorker.add(stats);
                clients.add(client);
                workers.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        once(client, base, key, stats);
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        clients.forEach(HttpClient::close);
        Stats all = new Stats();
        perWorker.forEach(all::add);
        return new Result(all, seconds, actions());
    }

    private void clearActions() throws Exception {
        try (HttpClient client = JavaDriver.client()) {
            client.send(HttpRequest.newBuilder(emulator.resolve("/emulator/actions")).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    /** The embedding model's embedContent and batchEmbedContents calls since the last clear. */
    private Upstream actions() throws Exception {
        String json;
        try (HttpClient client = JavaDriver.client()) {
            json = client.send(HttpRequest.newBuilder(emulator.resolve("/emulator/actions")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        long calls = 0;
        long items = 0;
        long largest = 0;
        Matcher m = ACTION.matcher(json.replace(" ", ""));
        while (m.find()) {
            if (m.group(1).equals(model)
                    && (m.group(2).equals("embedContent") || m.group(2).equals("batchEmbedContents"))) {
                calls += Long.parseLong(m.group(3));
                items += Long.parseLong(m.group(4));
                largest = Math.max(largest, Long.parseLong(m.group(5)));
            }
        }
        return new Upstream(calls, items, largest);
    }
}
