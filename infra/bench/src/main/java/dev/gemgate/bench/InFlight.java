package dev.gemgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * "5,000 in flight" and "streams in flight": the emulator is made slow through its fault API (every reply 2 s late, or
 * every streamed chunk 500 ms apart), and N calls are sent at once. Counts what the calls record, and reads Gemgate's
 * heap while they are all waiting.
 */
final class InFlight {

    /** One call of the scenario: sends its request on the given client, waits for its end and records its outcome. */
    interface Call {
        void call(HttpClient client);
    }

    record Result(int requests, double wallSeconds, int peakDriverInFlight,
                  GemgateProbe.Sample baseline, GemgateProbe.Sample peak, long peakActiveRequests,
                  List<String> snapshot, long usedAtSnapshot, long liveAfterGc, boolean faultCleared) {
    }

    private InFlight() {
    }

    /** A unary generateContent call, its latency and outcome recorded into {@code stats}. */
    static Call unary(Target target, Duration timeout, Stats stats) {
        return c -> {
            HttpRequest request = target.request(timeout);
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = null;
            Throwable failure = null;
            try {
                response = c.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (Exception e) {
                failure = e;
            }
            long t1 = System.nanoTime();
            synchronized (stats) {
                stats.record(t1 - t0, response, failure);
            }
        };
    }

    /**
     * Sends {@code requests} calls at once, on virtual threads sharing {@code clientCount} HttpClients, with the emulator
     * fault {@code faultJson} in place (cleared at the end).
     *
     * @param expectMillis how long a call should take: the heap snapshot waits at most that plus 30 s for the peak
     * @param open         calls the driver knows are open (e.g. streams that delivered their first chunk), or null:
     *                     the peak is reached when 95% of {@code requests} are open; without it, when Gemgate's gauge of
     *                     active requests shows 95% (which, for streams, it does before any chunk has come)
     */
    static Result run(Call call, int requests, URI emulatorBase, String faultJson, GemgateProbe probe,
                      int clientCount, Duration limit, long expectMillis, boolean fullGc, IntSupplier open,
                      Consumer<String> log) throws Exception {
        HttpClient control = JavaDriver.client();
        GemgateProbe.Sample baseline = probe.sample();
        AtomicReference<GemgateProbe.Sample> peak = new AtomicReference<>(baseline);
        AtomicReference<Long> peakActive = new AtomicReference<>(baseline.activeRequests());
        List<String> snapshotLines = Collections.synchronizedList(new ArrayList<>());
        AtomicLong usedAtSnapshot = new AtomicLong(-1);
        AtomicLong liveAfterGc = new AtomicLong(-1);
        AtomicLong startNanos = new AtomicLong(System.nanoTime());
        CountDownLatch peakReached = new CountDownLatch(1);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peakInFlight = new AtomicInteger();
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch allDone = new CountDownLatch(1);
        List<HttpClient> clients = new ArrayList<>();
        boolean cleared = false;
        long start;
        long end;
        fault(control, emulatorBase, "POST", faultJson);
        try {
            // sampler: /q/metrics every 250 ms while the scenario runs
            Thread sampler = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
                try {
                    while (!allDone.await(250, TimeUnit.MILLISECONDS)) {
                        GemgateProbe.Sample s = probe.sample();
                        peak.accumulateAndGet(s, (a, b) -> b.heapUsed() > a.heapUsed() ? b : a);
                        peakActive.accumulateAndGet(s.activeRequests(), Math::max);
                        if (open == null ? s.activeRequests() >= requests * 0.95 : open.getAsInt() >= requests * 0.95) {
                            peakReached.countDown();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // jcmd snapshot at the peak: when (nearly) all calls are open by the driver's count, else by Gemgate's gauge,
            // or at the first reply if there is neither; then a full GC, and the heap again: what the waiting requests really hold
            Thread snapshot = Thread.ofPlatform().daemon().name("jcmd-snapshot").start(() -> {
                try {
                    if (!probe.canJcmd()) {
                        snapshotLines.add("no --gemgate-pid: no jcmd snapshot");
                        return;
                    }
                    long waitLeft = expectMillis + 30_000L;
                    while (waitLeft > 0 && firstDone.getCount() > 0 && peakReached.getCount() > 0
                            && (open == null || open.getAsInt() < requests * 0.95)) {
                        peakReached.await(50, TimeUnit.MILLISECONDS);
                        waitLeft -= 50;
                    }
                    long t = System.nanoTime();
                    long gauge = probe.sample().activeRequests();
                    List<String> heap = probe.heapInfo();
                    usedAtSnapshot.set(GemgateProbe.usedBytes(heap));
                    snapshotLines.add(String.format(Locale.ROOT,
                            "jcmd GC.heap_info at +%.2f s (%s; driver %,d in flight%s, Gemgate's gauge %,d just before):",
                            (t - startNanos.get()) / 1e9, firstDone.getCount() == 0 ? "first reply" : "peak reached",
                            inFlight.get(), open == null ? "" : String.format(Locale.ROOT, ", %,d streams open",
                                    open.getAsInt()), gauge));
                    heap.forEach(l -> snapshotLines.add("  " + l));
                    if (fullGc) {
                        long t2 = System.nanoTime();
                        long gauge2 = probe.sample().activeRequests();
                        List<String> after = probe.heapInfoAfterFullGc();
                        long gauge3 = probe.sample().activeRequests();
                        liveAfterGc.set(GemgateProbe.usedBytes(after));
                        snapshotLines.add(String.format(Locale.ROOT,
                                "jcmd GC.run (full collection) at +%.2f s, Gemgate's gauge %,d before and %,d after; "
                                        + "GC.heap_info then (the live heap with the requests waiting):",
                                (t2 - startNanos.get()) / 1e9, gauge2, gauge3));
                        after.forEach(l -> snapshotLines.add("  " + l));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < clientCount; i++) {
                clients.add(JavaDriver.client());
            }
            start = System.nanoTime();
            startNanos.set(start);
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < requests; i++) {
                    HttpClient c = clients.get(i % clientCount);
                    threads.submit(() -> {
                        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        try {
                            call.call(c);
                        } finally {
                            inFlight.decrementAndGet();
                            firstDone.countDown();
                        }
                    });
                }
                threads.shutdown();
                if (!threads.awaitTermination(limit.toSeconds() + 60, TimeUnit.SECONDS)) {
                    log.accept("  in-flight: requests still running after the time limit; abandoning them");
                    threads.shutdownNow();
                }
            }
            end = System.nanoTime();
            allDone.countDown();
            sampler.join(10_000);
            snapshot.join(60_000);
        } finally {
            allDone.countDown();
            try {
                fault(control, emulatorBase, "DELETE", null);
                cleared = true;
            } catch (Exception e) {
                log.accept("  could not clear the emulator's fault: " + e.getMessage());
            }
            clients.forEach(HttpClient::shutdownNow);
            control.shutdownNow();
        }
        return new Result(requests, (end - start) / 1e9, peakInFlight.get(), baseline, peak.get(),
                peakActive.get(), List.copyOf(snapshotLines), usedAtSnapshot.get(), liveAfterGc.get(), cleared);
    }

    static void fault(HttpClient control, URI emulatorBase, String method, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulatorBase + "/emulator/faults"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = control.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " /emulator/faults answered " + r.statusCode() + ": " + r.body());
        }
    }
}
