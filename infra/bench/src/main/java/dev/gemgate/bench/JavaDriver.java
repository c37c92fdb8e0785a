package dev.gemgate.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The load scenarios driven with java.net.http.HttpClient (HTTP/1.1, keep-alive) on virtual threads. */
final class JavaDriver {

    private final Duration timeout;

    JavaDriver(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * An HTTP/1.1 client. The same-thread executor runs the client's completion stages on its selector thread
     * instead of handing them to a pool: one thread hop fewer per request, so less of the driver in the figures.
     */
    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Runnable::run)
                .build();
    }

    /** One request, timed from just before send to the last body byte; returns its end time, negated on failure. */
    long once(HttpClient client, Target target, Stats stats) {
        HttpRequest request = target.request(timeout);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = null;
        Throwable failure = null;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception e) {
            failure = e;
        }
        long t1 = System.nanoTime();
        boolean ok = stats.record(t1 - t0, response, failure);
        return ok ? t1 : -t1;
    }

    /**
     * Sequential latency: one connection per path, one request at a time. After the warm-up the paths take turns in
     * blocks, so that a burst of noise from the shared machine lands on all of them rather than on one.
     */
    Map<String, Stats> sequential(List<Target> targets, int warmup, int requests, int block, Consumer<String> log) {
        Map<String, HttpClient> clients = new LinkedHashMap<>();
        Map<String, Stats> stats = new LinkedHashMap<>();
        try {
            for (Target t : targets) {
                HttpClient c = client();
                clients.put(t.name(), c);
                stats.put(t.name(), new Stats());
                Stats warm = new Stats();
                for (int i = 0; i < warmup; i++) {
                    once(c, t, warm);
                }
                log.accept("  warm-up " + t.name() + ": " + warmup + " requests"
                        + (warm.errorCount() > 0 ? ", ERRORS " + warm.errorSummary() : ""));
            }
            int done = 0;
            while (done < requests) {
                int n = Math.min(block, requests - done);
                for (Target t : targets) {
                    HttpClient c = clients.get(t.name());
                    Stats s = stats.get(t.name());
                    for (int i = 0; i < n; i++) {
                        once(c, t, s);
                    }
                }
                done += n;
            }
        } finally {
            clients.values().forEach(HttpClient::close);
        }
        return stats;
    }

    /**
     * Closed-loop throughput: {@code connections} virtual threads, each with its own HttpClient (so its own keep-alive
     * connection and selector thread), sending back to back for warm-up + duration. Counted: requests that complete
     * inside the measured window; latencies: those that also started inside it.
     */
    Stats throughput(Target target, int connections, Duration warmup, Duration duration) throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + duration.toNanos();
        List<HttpClient> clients = new ArrayList<>();
        List<Future<Stats>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                HttpClient c = client();
                clients.add(c);
                futures.add(threads.submit(() -> loop(c, target, measureFrom, measureTo)));
            }
            Stats total = new Stats();
            for (Future<Stats> f : futures) {
                total.add(f.get(duration.toSeconds() + warmup.toSeconds() + timeout.toSeconds() + 30, TimeUnit.SECONDS));
            }
            return total;
        } finally {
            clients.forEach(HttpClient::shutdownNow);
        }
    }

    private Stats loop(HttpClient client, Target target, long measureFrom, long measureTo) {
        Stats mine = new Stats();
        Stats ignored = new Stats(); // requests started during the warm-up
        long now = System.nanoTime();
        while (now < measureTo) {
            long t0 = now;
            Stats into = t0 >= measureFrom ? mine : ignored;
            long end = once(client, target, into);
            now = Math.abs(end);
            if (end > 0 && now >= measureFrom && now <= measureTo) {
                mine.completed++; // successful completions inside the window: the throughput
            }
        }
        // a request that started in the window but ended after it has its latency recorded: fair for the tail
        return mine;
    }
}
