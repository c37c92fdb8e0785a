package dev.gemgate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The Gemgate benchmark: the same upstream (the Gemini emulator) reached directly, through nginx's proxy_pass, through
 * a bare Vert.x proxy (the Java reference path, {@link ReferenceProxy}) and through Gemgate. Prints sequential latency, throughput at N connections, the 5,000-in-flight scenario and the
 * start-up times measured by run.sh, then the figures against the targets of ARCHITECTURE.md section 7.
 * Run by infra/bench/run.sh (which starts and stops the servers); never by the test suite.
 */
public final class Bench {

    private static final double TARGET_ADDED_P50_MS = 0.3;
    private static final double TARGET_ADDED_P99_MS = 1.0;
    private static final double TARGET_TP_RATIO = 0.5;
    private static final long TARGET_HEAP_BYTES = 512L << 20;
    private static final long TARGET_STARTUP_MS = 3000;
    private static final long TARGET_FIRST_START_MS = 5000;
    private static final double TARGET_CACHE_HIT_MS = 0.2;
    private static final double TARGET_DB_ROUND_TRIPS = 0.1;
    private static final int TARGET_IN_FLIGHT = 5000;
    /** The paths whose added latency over direct the latency parts print, in this order (those measured). */
    private static final List<String> COMPARED_PATHS = List.of("nginx", "vertx", "gemgate", "openai", "cachehit");

    // issue 21's targets, in the order of the summary; each is judged on every round of this run that measures it
    private static final String T_ADDED_P50 = "added latency over direct p50 <= 0.3 ms";
    private static final String T_ADDED_P99 = "added latency over direct p99 <= 1 ms";
    private static final String T_TP_GEMINI = "throughput >= 0.5 of nginx, Gemini-native surface";
    private static final String T_TP_OPENAI = "throughput >= 0.5 of nginx, OpenAI surface";
    private static final String T_CACHE_HIT = "cache hit p50 within 0.2 ms of direct's p50";
    private static final String T_STREAM_FIRST = "streaming: first chunk forwarded within 1 ms at p99";
    private static final String T_STREAM_ALL = "streaming: every chunk forwarded within 1 ms at p99";
    private static final String T_INFLIGHT = "5,000 in flight: zero errors";
    private static final String T_INFLIGHT_HEAP = "5,000 in flight: live heap <= 512 MB";
    private static final String T_STREAMS = "5,000 concurrent streams: zero errors";
    private static final String T_STREAMS_HEAP = "5,000 concurrent streams: live heap <= 512 MB";
    private static final String T_RESTART = "start-up (restart) <= 3 s";
    private static final String T_FIRST_START = "first start with the embedded PostgreSQL <= 5 s";
    private static final String T_DB = "database round trips per request <= 0.1";

    private final Options o;
    private final StringBuilder report = new StringBuilder();
    private final List<String> verdicts = new ArrayList<>();
    /** target → its result in each round that measured it (null: could not be judged) */
    private final Map<String, List<Boolean>> results = new LinkedHashMap<>();
    private PgStats pg;
    private String pgProblem = "no --pg-url";
    private GemgateProbe metricsProbe;
    private final List<DbWindow> dbWindows = new ArrayList<>();
    /** The servers' CPU, per request of each throughput window (the processes whose ids run.sh passes). */
    private final ProcessCpu cpu;

    /** Gemgate's database work in one part of the run, and the requests it served meanwhile (-1: unknown). */
    private record DbWindow(String label, long requests, PgStats.Window window) {
    }

    private interface Work {
        void run() throws Exception;
    }

    private Bench(Options o) {
        this.o = o;
        this.cpu = new ProcessCpu()
                .add("gemgate", o.str("gemgate-pid"), ProcessCpu.Scope.SELF)
                .add("postgres", o.str("postgres-pid"), ProcessCpu.Scope.SELF_AND_DESCENDANTS)
                .add("nginx", o.str("nginx-pid"), ProcessCpu.Scope.SELF_AND_DESCENDANTS)
                .add("vertx", o.str("vertx-pid"), ProcessCpu.Scope.SELF)
                .add("emulator", o.str("emulator-pid"), ProcessCpu.Scope.SELF);
        for (String t : List.of(T_ADDED_P50, T_ADDED_P99, T_TP_GEMINI, T_TP_OPENAI, T_CACHE_HIT, T_STREAM_FIRST,
                T_STREAM_ALL, T_INFLIGHT, T_INFLIGHT_HEAP, T_STREAMS, T_STREAMS_HEAP, T_RESTART, T_FIRST_START, T_DB)) {
            results.put(t, new ArrayList<>());
        }
    }

    /** Records one round's result of {@code target}: true PASS, false MISS, null not judged. */
    private void result(String target, Boolean pass) {
        results.get(target).add(pass);
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gemgate-bench: " + e.getMessage());
            System.err.print(Options.usage());
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.print(Options.usage());
            return;
        }
        new Bench(o).run();
    }

    private static void log(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        System.out.flush();
    }

    private void out(String format, Object... args) {
        report.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private void run() throws Exception {
        Duration timeout = Duration.ofSeconds(o.integer("timeout-s"));
        List<Target> targets = new ArrayList<>();
        String model = o.str("model");
        int maxOut = o.integer("max-output-tokens");
        targets.add(new Target("direct", o.base("direct-url"), o.str("upstream-key"), model, maxOut));
        if (o.base("nginx-url") != null) {
            targets.add(new Target("nginx", o.base("nginx-url"), o.str("upstream-key"), model, maxOut));
        }
        if (o.base("vertx-url") != null) { // the Java reference path: what a bare Vert.x proxy reaches here
            targets.add(new Target("vertx", o.base("vertx-url"), o.str("upstream-key"), model, maxOut));
        }
        Target gemgate = null;
        if (o.base("gemgate-url") != null) {
            if (o.str("gemgate-key").isEmpty()) {
                throw new IllegalArgumentException("--gemgate-url needs --gemgate-key");
            }
            gemgate = new Target("gemgate", o.base("gemgate-url"), o.str("gemgate-key"), model, maxOut);
            targets.add(gemgate);
            if (Boolean.parseBoolean(o.str("openai-path"))) {
                targets.add(new Target("openai", o.base("gemgate-url"), o.str("gemgate-key"), model, maxOut,
                        Target.Shape.OPENAI));
            }
            if (Boolean.parseBoolean(o.str("cache-hit-path"))) {
                targets.add(new Target("cachehit", o.base("gemgate-url"), o.str("gemgate-key"), model, maxOut,
                        Target.Shape.CACHE_HIT));
            }
        }

        out("Gemgate benchmark, %s", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out("machine: %s, %d CPUs, %s, java %s (driver), load average at start %s",
                InetAddress.getLocalHost().getHostName(), Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("java.version"), loadAverage());
        if (!o.str("note").isEmpty()) {
            out("%s", o.str("note"));
        }
        if (gemgate != null) {
            wrapped("Gemgate's policies: " + (o.str("policies").isEmpty() ? "as configured (not stated)"
                    : o.str("policies")), "  ");
        }
        for (Target t : targets) {
            out("  %-8s %s", t.name(), t.generateUri());
        }
        out("");
        log("checking every path answers 200");
        JavaDriver driver = new JavaDriver(timeout);
        for (Target t : targets) {
            Stats s = new Stats();
            try (var c = JavaDriver.client()) {
                driver.once(c, t, s);
            }
            if (s.ok() != 1) {
                throw new IllegalStateException("path " + t.name() + " does not answer 200: " + s.errorSummary());
            }
        }

        if (o.bool("embed-only")) {
            embeddings(gemgate, timeout);
            System.out.println();
            System.out.println("=".repeat(100));
            System.out.print(report);
            System.out.println("=".repeat(100));
            return;
        }
        PgStats.Snapshot runStart = null;
        long runStartRequests = -1;
        if (gemgate != null) {
            metricsProbe = new GemgateProbe(o.gemgateManagement(), o.str("gemgate-pid"), o.str("jcmd"));
            if (!o.str("pg-url").isEmpty()) {
                try {
                    pg = PgStats.connect(o.str("pg-url"), o.str("pg-user"), o.str("pg-password"));
                    runStart = pg.snapshot();
                    runStartRequests = metricsProbe.sum("gemgate_requests_total");
                } catch (Exception e) {
                    pg = null;
                    pgProblem = "cannot read PostgreSQL's statistics at " + o.str("pg-url") + ": " + e.getMessage();
                    log(pgProblem);
                }
            }
        }
        sequential(driver, targets);
        throughput(driver, targets, timeout);
        if (o.integer("stream-requests") > 0) {
            streaming(targets, timeout);
        } else {
            out("Streaming latency: skipped (--stream-requests 0)");
            out("");
        }
        if (gemgate != null && o.integer("inflight") > 0) {
            inFlight(gemgate);
        } else {
            out("In flight: skipped (%s)", gemgate == null ? "no Gemgate" : "--inflight 0");
            out("");
        }
        if (gemgate != null && o.integer("stream-inflight") > 0) {
            streamsInFlight(gemgate);
        } else {
            out("Streams in flight: skipped (%s)", gemgate == null ? "no Gemgate" : "--stream-inflight 0");
            out("");
        }
        embeddings(gemgate, timeout);
        if (pg != null && runStart != null) {
            try {
                PgStats.Snapshot end = pg.snapshot();
                long endRequests = metricsProbe.sum("gemgate_requests_total");
                dbWindows.add(new DbWindow("whole run (all parts)", runStartRequests < 0 || endRequests < 0 ? -1
                        : endRequests - runStartRequests, PgStats.between(runStart, end)));
            } catch (Exception e) {
                log("database: the closing snapshot failed: " + e.getMessage());
            }
        }
        database(gemgate != null);
        if (gemgate != null) {
            policies(gemgate, timeout);
        }
        startup();
        out("load average at end %s", loadAverage());
        out("");
        out("Against the targets (issue 21; ARCHITECTURE.md section 7):");
        verdicts.forEach(v -> out("  %s", v));
        summary();
        if (pg != null) {
            pg.close();
        }
        if (metricsProbe != null) {
            metricsProbe.close();
        }
        System.out.println();
        System.out.println("=".repeat(100));
        System.out.print(report);
        System.out.println("=".repeat(100));
    }

    // ---------------------------------------------------------------- embeddings (micro-batching)

    private void embeddings(Target gemgate, Duration timeout) throws Exception {
        int requests = o.integer("embed-requests");
        if (gemgate == null || requests <= 0) {
            out("Embeddings: skipped (%s)", gemgate == null ? "no Gemgate" : "--embed-requests 0");
            out("");
            return;
        }
        String model = o.str("embed-model");
        int concurrency = o.integer("embed-concurrency");
        EmbedBench bench = new EmbedBench(o.base("direct-url"), model, o.integer("embed-dimensions"), timeout);
        log("embeddings: sequential, then " + concurrency + " concurrent");
        out("Embeddings: embedContent of %s, %d dimensions, each request its own text; Gemgate's micro-batching: %s",
                model, o.integer("embed-dimensions"), o.str("embed-batching"));
        out("  %-8s %-14s %8s %6s %8s %8s %8s %8s %9s %9s %8s", "path", "run", "requests", "errors", "req/s", "p50 ms",
                "p99 ms", "max ms", "upstream", "calls/req", "largest");
        List<String[]> runs = List.of(new String[] {"direct", "sequential"}, new String[] {"gemgate", "sequential"},
                new String[] {"direct", "concurrent"}, new String[] {"gemgate", "concurrent"});
        for (String[] run : runs) {
            boolean viaGemgate = run[0].equals("gemgate");
            java.net.URI base = viaGemgate ? o.base("gemgate-url") : o.base("direct-url");
            String key = viaGemgate ? o.str("gemgate-key") : o.str("upstream-key");
            EmbedBench.Result r = run[1].equals("sequential")
                    ? bench.sequential(base, key, o.integer("embed-seq-warmup"), o.integer("embed-seq"))
                    : bench.concurrent(base, key, concurrency, requests);
            long sent = r.stats().ok() + r.stats().errorCount();
            out("  %-8s %-14s %8d %6d %8.0f %8.2f %8.2f %8.2f %9d %9.3f %8d", run[0],
                    run[1].equals("sequential") ? "sequential" : concurrency + " concurrent", sent,
                    r.stats().errorCount(), sent / r.seconds(), r.stats().ms(50), r.stats().ms(99), r.stats().maxMs(),
                    r.upstream().calls(), sent == 0 ? Double.NaN : (double) r.upstream().calls() / sent,
                    r.upstream().largestCall());
            if (r.stats().errorCount() > 0) {
                out("    errors: %s", r.stats().errors);
            }
        }
        out("  (upstream: the emulator's embedContent + batchEmbedContents calls for the run, from its action log;"
                + " largest: the most embeddings in one call)");
        out("");
    }

    // ---------------------------------------------------------------- sequential

    private void sequential(JavaDriver driver, List<Target> targets) throws Exception {
        int rounds = o.integer("seq-rounds");
        int warmup = o.integer("seq-warmup");
        int n = o.integer("seq-requests");
        int block = o.integer("seq-block");
        for (int round = 1; round <= rounds; round++) {
            log("sequential latency, round " + round + "/" + rounds + ": " + n + " requests per path after "
                    + warmup + " warm-up");
            int w = round == 1 ? warmup : warmup / 4;
            List<Map<String, Stats>> holder = new ArrayList<>(1);
            dbWindow("sequential round " + round + " (all paths)",
                    () -> holder.add(driver.sequential(targets, w, n, block, Bench::log)));
            Map<String, Stats> stats = holder.getFirst();
            out("Sequential latency, round %d of %d: 1 keep-alive connection per path, %,d requests each after %,d "
                    + "warm-up, the paths taking turns in blocks of %d (ms)", round, rounds, n,
                    round == 1 ? warmup : warmup / 4, block);
            out("  %-8s %6s %6s %8s %8s %8s %8s %8s %8s", "path", "ok", "errors", "p50", "p90", "p99", "p99.9", "max",
                    "mean");
            stats.forEach((name, s) -> out("  %-8s %6d %6d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%s", name, s.ok(),
                    s.errorCount(), s.ms(50), s.ms(90), s.ms(99), s.ms(99.9), s.maxMs(), s.meanMs(),
                    s.errorCount() > 0 ? "   errors: " + s.errorSummary() : ""));
            Stats direct = stats.get("direct");
            out("  added latency over direct:       p50        p99");
            for (String name : COMPARED_PATHS) {
                Stats s = stats.get(name);
                if (s == null) {
                    continue;
                }
                double d50 = s.ms(50) - direct.ms(50);
                double d99 = s.ms(99) - direct.ms(99);
                out("    %-8s                   %+8.3f   %+8.3f", name, d50, d99);
                if (name.equals("gemgate")) {
                    verdicts.add(String.format(Locale.ROOT,
                            "added latency (round %d): p50 %+.3f ms (target <= %.1f) %s; p99 %+.3f ms (target <= %.1f) %s",
                            round, d50, TARGET_ADDED_P50_MS, pass(d50 <= TARGET_ADDED_P50_MS), d99, TARGET_ADDED_P99_MS,
                            pass(d99 <= TARGET_ADDED_P99_MS)));
                    result(T_ADDED_P50, d50 <= TARGET_ADDED_P50_MS && s.errorCount() == 0);
                    result(T_ADDED_P99, d99 <= TARGET_ADDED_P99_MS && s.errorCount() == 0);
                }
                if (name.equals("cachehit")) {
                    verdicts.add(String.format(Locale.ROOT, "cache hit (round %d): p50 %+.3f ms over direct's p50 "
                            + "(target <= %.1f) %s", round, d50, TARGET_CACHE_HIT_MS, pass(d50 <= TARGET_CACHE_HIT_MS)));
                    result(T_CACHE_HIT, d50 <= TARGET_CACHE_HIT_MS && s.errorCount() == 0);
                }
            }
            if (stats.containsKey("nginx")) {
                for (String name : List.of("gemgate", "openai", "cachehit")) {
                    if (stats.containsKey(name)) {
                        out("    %-8s minus nginx       %+8.3f   %+8.3f", name,
                                stats.get(name).ms(50) - stats.get("nginx").ms(50),
                                stats.get(name).ms(99) - stats.get("nginx").ms(99));
                    }
                }
            }
            out("");
        }
    }

    // ---------------------------------------------------------------- throughput

    private void throughput(JavaDriver driver, List<Target> targets, Duration timeout) throws Exception {
        int rounds = o.integer("tp-rounds");
        int connections = o.integer("connections");
        Duration warmup = Duration.ofSeconds(o.integer("tp-warmup-s"));
        Duration duration = Duration.ofSeconds(o.integer("tp-duration-s"));
        String tool = o.str("tp-tool");
        WrkDriver wrk = tool.equals("wrk") ? new WrkDriver(o.str("wrk"), o.integer("wrk-threads")) : null;
        if (wrk == null && !tool.equals("java")) {
            throw new IllegalArgumentException("--tp-tool is java or wrk, not " + tool);
        }
        for (int round = 1; round <= rounds; round++) {
            Map<String, Double> rps = new LinkedHashMap<>();
            Map<String, String> rows = new LinkedHashMap<>();
            out("Throughput, round %d of %d: %d connections, closed loop, %d s measured after %d s warm-up, driver %s%s",
                    round, rounds, connections, duration.toSeconds(), warmup.toSeconds(),
                    wrk == null ? "java (one HttpClient per connection)" : "wrk -t" + o.integer("wrk-threads"),
                    round % 2 == 0 ? ", paths run in reverse order" : "");
            out("  %-8s %10s %10s %8s %9s %9s   %s", "path", "req/s", "requests", "errors", "p50 ms", "p99 ms",
                    wrk == null ? "" : "CPU per request, us: the path's server; PostgreSQL; the emulator");
            List<Target> order = new ArrayList<>(targets);
            if (round % 2 == 0) {
                Collections.reverse(order); // drift on the shared machine then hits the paths the other way
            }
            for (Target t : order) {
                log("throughput " + t.name() + " (round " + round + "/" + rounds + "): " + connections
                        + " connections, " + warmup.toSeconds() + " s warm-up + " + duration.toSeconds() + " s");
                boolean viaGemgate = t.name().equals("gemgate") || t.name().equals("openai")
                        || t.name().equals("cachehit");
                Work work = () -> throughputOne(driver, wrk, t, connections, warmup, duration, timeout, rps, rows);
                if (viaGemgate) {
                    dbWindow("throughput " + t.name() + " round " + round, work);
                } else {
                    work.run();
                }
            }
            targets.forEach(t -> out("%s", rows.get(t.name())));
            double direct = rps.get("direct");
            StringBuilder ratios = new StringBuilder("  ratios:");
            if (rps.containsKey("nginx")) {
                ratios.append(String.format(Locale.ROOT, " nginx/direct %.2f;", rps.get("nginx") / direct));
            }
            if (rps.containsKey("vertx") && rps.containsKey("nginx")) {
                ratios.append(String.format(Locale.ROOT, " vertx/nginx %.2f;", rps.get("vertx") / rps.get("nginx")));
            }
            if (rps.containsKey("vertx") && rps.containsKey("gemgate")) {
                ratios.append(String.format(Locale.ROOT, " gemgate/vertx %.2f;", rps.get("gemgate") / rps.get("vertx")));
            }
            if (rps.containsKey("gemgate")) {
                ratios.append(String.format(Locale.ROOT, " gemgate/direct %.2f;", rps.get("gemgate") / direct));
                for (String extra : List.of("openai", "cachehit")) {
                    if (rps.containsKey(extra) && rps.containsKey("nginx")) {
                        double ratio = rps.get(extra) / rps.get("nginx");
                        ratios.append(String.format(Locale.ROOT, " %s/nginx %.2f;", extra, ratio));
                        if (extra.equals("openai")) {
                            verdicts.add(String.format(Locale.ROOT, "throughput at %d connections, OpenAI surface "
                                            + "(round %d): openai/nginx %.2f (target >= %.2f) %s", connections, round,
                                    ratio, TARGET_TP_RATIO, pass(ratio >= TARGET_TP_RATIO)));
                            result(T_TP_OPENAI, ratio >= TARGET_TP_RATIO);
                        }
                    }
                }
                if (rps.containsKey("nginx")) {
                    double ratio = rps.get("gemgate") / rps.get("nginx");
                    ratios.append(String.format(Locale.ROOT, " gemgate/nginx %.2f", ratio));
                    verdicts.add(String.format(Locale.ROOT,
                            "throughput at %d connections, Gemini-native surface (round %d): gemgate/nginx %.2f "
                                    + "(target >= %.2f) %s", connections, round, ratio, TARGET_TP_RATIO,
                            pass(ratio >= TARGET_TP_RATIO)));
                    result(T_TP_GEMINI, ratio >= TARGET_TP_RATIO);
                }
            }
            out("%s", ratios);
            out("");
        }
    }

    /** One path's throughput run: its req/s into {@code rps} and its table row into {@code rows}. */
    private void throughputOne(JavaDriver driver, WrkDriver wrk, Target t, int connections, Duration warmup,
                               Duration duration, Duration timeout, Map<String, Double> rps, Map<String, String> rows)
            throws Exception {
        if (wrk == null) {
            Stats s = driver.throughput(t, connections, warmup, duration);
            double r = s.completed / (double) duration.toSeconds();
            rps.put(t.name(), r);
            rows.put(t.name(), String.format(Locale.ROOT, "  %-8s %10.0f %10d %8d %9.3f %9.3f%s", t.name(), r,
                    s.completed, s.errorCount(), s.ms(50), s.ms(99),
                    s.errorCount() > 0 ? "   errors: " + s.errorSummary() : ""));
        } else {
            List<String> servers = serversOf(t.name());
            List<Map<String, Duration>> windows = new ArrayList<>();
            WrkDriver.Result w = wrk.run(t, connections, warmup, duration, timeout,
                    () -> windows.add(cpu.snapshot(servers)));
            Map<String, Double> micros = ProcessCpu.perRequest(windows.get(0), windows.get(1), w.requests());
            // wrk's req/s counts every response; take the non-2xx out of it
            double r = w.requestsPerSecond() * (w.requests() == 0 ? 0
                    : (w.requests() - w.non2xx()) / (double) w.requests());
            rps.put(t.name(), r);
            rows.put(t.name(), String.format(Locale.ROOT, "  %-8s %10.0f %10d %8d %9.3f %9.3f   %s%s", t.name(), r,
                    w.requests(), w.non2xx(), w.p50Ms(), w.p99Ms(), cpuColumns(servers, micros),
                    w.socketErrors().isEmpty() ? "" : "   socket errors: " + w.socketErrors()));
        }
    }

    /** The processes whose CPU a path's requests cost: its server (none for direct), PostgreSQL, the emulator. */
    private static List<String> serversOf(String path) {
        return switch (path) {
            case "gemgate", "openai", "cachehit" -> List.of("gemgate", "postgres", "emulator");
            case "nginx", "vertx" -> List.of(path, "-", "emulator");
            default -> List.of("-", "-", "emulator");
        };
    }

    private static String cpuColumns(List<String> servers, Map<String, Double> micros) {
        return servers.stream().map(name -> micros.containsKey(name)
                        ? String.format(Locale.ROOT, "%.0f", micros.get(name)) : "-")
                .collect(Collectors.joining("; "));
    }

    // ---------------------------------------------------------------- streaming latency

    private StreamDriver streamDriver(Duration timeout) {
        return new StreamDriver(o.integer("stream-chunks"), o.integer("stream-chunk-tokens"), timeout);
    }

    private void streaming(List<Target> all, Duration timeout) throws Exception {
        // the streaming part compares the Gemini-native stream on each path; the extra Gemgate paths are unary only
        List<Target> targets = all.stream().filter(t -> t.shape() == Target.Shape.GEMINI).toList();
        int rounds = o.integer("stream-rounds");
        int warmup = o.integer("stream-warmup");
        int n = o.integer("stream-requests");
        int block = o.integer("stream-block");
        int delay = o.integer("stream-chunk-delay-ms");
        StreamDriver driver = streamDriver(timeout);
        URI emulator = o.base("direct-url");
        HttpClient control = JavaDriver.client();
        try {
            // one stream per path first, without the chunk delay: a path that cannot stream (or an emulator without
            // --stamp-chunks) skips this phase with the reason instead of ending the run
            List<String> broken = new ArrayList<>();
            for (Target t : targets) {
                StreamStats check = new StreamStats();
                try (HttpClient c = JavaDriver.client()) {
                    driver.once(c, t, check, null);
                }
                if (check.ok() != 1) {
                    broken.add(t.name() + ": " + check.errorSummary());
                }
            }
            if (!broken.isEmpty()) {
                out("Streaming latency: SKIPPED, a path does not stream normally: %s", String.join("; ", broken));
                out("");
                verdicts.add("streaming: NOT MEASURED (" + String.join("; ", broken) + ")");
                result(T_STREAM_FIRST, null);
                result(T_STREAM_ALL, null);
                return;
            }
            if (delay > 0) {
                InFlight.fault(control, emulator, "POST",
                        "{\"type\":\"CHUNK_DELAY\",\"times\":-1,\"delayMillis\":" + delay + "}");
            }
            for (int round = 1; round <= rounds; round++) {
                int w = round == 1 ? warmup : warmup / 4;
                log("streaming latency, round " + round + "/" + rounds + ": " + n + " streams per path after " + w
                        + " warm-up, " + driver.chunks() + " chunks each, " + delay + " ms apart");
                Map<String, StreamStats> stats = driver.sequential(targets, w, n, block, Bench::log);
                out("Streaming latency, round %d of %d: 1 keep-alive connection per path, %,d streams each after %,d "
                        + "warm-up, the paths taking turns in blocks of %d;", round, rounds, n, w, block);
                out("  :streamGenerateContent?alt=sse, %d chunks per stream, the emulator writing one every %d ms; per "
                        + "chunk: its arrival at the driver minus the emulator's emulatorSentAtMicros stamp (ms)",
                        driver.chunks(), delay);
                out("  %-8s %7s %6s %7s %8s %8s %8s %8s %8s %8s", "path", "streams", "errors", "chunks", "p50", "p90",
                        "p99", "p99.9", "max", "mean");
                stats.forEach((name, st) -> out("  %-8s %7d %6d %7d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%s", name,
                        st.ok(), st.errorCount(), st.chunkCount(), st.ms(50), st.ms(90), st.ms(99), st.ms(99.9),
                        st.maxMs(), st.meanMs(), st.errorCount() > 0 ? "   errors: " + st.errorSummary() : ""));
                out("  first chunk of each stream (ms):");
                out("  %-8s %7s %6s %7s %8s %8s %8s %8s", "path", "streams", "", "", "p50", "p90", "p99", "max");
                stats.forEach((name, st) -> out("  %-8s %7d %6s %7s %8.3f %8.3f %8.3f %8.3f", name, st.firstCount(), "",
                        "", st.firstMs(50), st.firstMs(90), st.firstMs(99), st.firstMaxMs()));
                StreamStats direct = stats.get("direct");
                out("  added latency over direct:  all chunks p50    p99   first chunk p50    p99");
                for (String name : COMPARED_PATHS) {
                    StreamStats st = stats.get(name);
                    if (st == null) {
                        continue;
                    }
                    double a50 = st.ms(50) - direct.ms(50);
                    double a99 = st.ms(99) - direct.ms(99);
                    double f50 = st.firstMs(50) - direct.firstMs(50);
                    double f99 = st.firstMs(99) - direct.firstMs(99);
                    out("    %-8s                  %+8.3f %+8.3f        %+8.3f %+8.3f", name, a50, a99, f50, f99);
                    if (name.equals("gemgate")) {
                        verdicts.add(String.format(Locale.ROOT, "streaming (round %d), first chunk forwarded within "
                                        + "1 ms of its arrival: added over direct p50 %+.3f ms, p99 %+.3f ms (target "
                                        + "p99 <= %.1f) %s", round, f50, f99, TARGET_ADDED_P99_MS,
                                pass(f99 <= TARGET_ADDED_P99_MS && st.errorCount() == 0)));
                        verdicts.add(String.format(Locale.ROOT, "streaming (round %d), every chunk: added over direct "
                                        + "p50 %+.3f ms, p99 %+.3f ms (target p99 <= %.1f) %s", round, a50, a99,
                                TARGET_ADDED_P99_MS, pass(a99 <= TARGET_ADDED_P99_MS && st.errorCount() == 0)));
                        result(T_STREAM_FIRST, f99 <= TARGET_ADDED_P99_MS && st.errorCount() == 0);
                        result(T_STREAM_ALL, a99 <= TARGET_ADDED_P99_MS && st.errorCount() == 0);
                    }
                }
                if (stats.containsKey("nginx") && stats.containsKey("gemgate")) {
                    StreamStats ng = stats.get("nginx");
                    StreamStats gg = stats.get("gemgate");
                    out("    gemgate minus nginx       %+8.3f %+8.3f        %+8.3f %+8.3f", gg.ms(50) - ng.ms(50),
                            gg.ms(99) - ng.ms(99), gg.firstMs(50) - ng.firstMs(50), gg.firstMs(99) - ng.firstMs(99));
                }
                long negative = stats.values().stream().mapToLong(StreamStats::negative).sum();
                if (negative > 0) {
                    out("  (%,d chunks arrived in the microsecond of their stamp or earlier by truncation: counted as 0)",
                            negative);
                }
                out("");
            }
        } finally {
            if (delay > 0) {
                try {
                    InFlight.fault(control, emulator, "DELETE", null);
                } catch (Exception e) {
                    log("  could not clear the emulator's chunk delay: " + e.getMessage());
                }
            }
            control.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- streams in flight

    private void streamsInFlight(Target gemgate) throws Exception {
        int n = o.integer("stream-inflight");
        int delay = o.integer("stream-inflight-delay-ms");
        int clients = o.integer("stream-inflight-clients");
        Duration timeout = Duration.ofSeconds(o.integer("inflight-timeout-s"));
        StreamDriver driver = streamDriver(timeout);
        long expect = (long) delay * driver.chunks();
        String fault = "{\"type\":\"CHUNK_DELAY\",\"times\":-1,\"delayMillis\":" + delay + "}";
        URI emulator = o.base("direct-url");
        StreamStats baseStats = new StreamStats();
        InFlight.Result base = null;
        String baseLog = null;
        AtomicInteger basePeakOpen = new AtomicInteger();
        if (o.bool("stream-inflight-baseline")) {
            log("streams in flight, baseline: " + n + " streams straight to the emulator, chunks " + delay + " ms apart");
            Target direct = new Target("direct", emulator, o.str("upstream-key"), gemgate.model(),
                    gemgate.maxOutputTokens());
            GemgateProbe none = new GemgateProbe(direct.base(), "", o.str("jcmd"));
            AtomicInteger open = new AtomicInteger();
            EmulatorStreams.clear(emulator);
            try {
                base = InFlight.run(streamCall(driver, direct, baseStats, open, basePeakOpen), n, emulator, fault, none,
                        clients,
                        timeout, expect, false, open::get, Bench::log);
            } finally {
                none.close();
            }
            baseLog = EmulatorStreams.counts(emulator);
        }
        log("streams in flight: " + n + " concurrent streams through Gemgate, chunks " + delay + " ms apart");
        GemgateProbe probe = new GemgateProbe(o.gemgateManagement(), o.str("gemgate-pid"), o.str("jcmd"));
        StreamStats s = new StreamStats();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peakOpen = new AtomicInteger();
        InFlight.Result r;
        EmulatorStreams.clear(emulator);
        try {
            r = InFlight.run(streamCall(driver, gemgate, s, open, peakOpen), n, emulator, fault, probe, clients,
                    timeout, expect, o.bool("inflight-full-gc"), open::get, Bench::log);
        } finally {
            probe.close();
        }
        String gemgateLog = EmulatorStreams.counts(emulator);
        out("Streams in flight: %,d concurrent :streamGenerateContent?alt=sse streams through Gemgate, %d chunks each, "
                + "the emulator writing one every %,d ms, %d HttpClients in the driver", n, driver.chunks(), delay, clients);
        if (base != null) {
            out("  baseline, straight to the emulator: streams ok %,d, errors %,d%s, chunks %,d; all done in %.2f s; "
                    + "chunk delivery p50 %.3f ms, p99 %.3f ms, max %.3f ms; peak streams open %,d", baseStats.ok(),
                    baseStats.errorCount(), baseStats.errorCount() > 0 ? " (" + baseStats.errorSummary() + ")" : "",
                    baseStats.chunkCount(), base.wallSeconds(), baseStats.ms(50), baseStats.ms(99), baseStats.maxMs(),
                    basePeakOpen.get());
            out("    emulator's stream log: %s", baseLog);
        }
        out("  through Gemgate: streams ok %,d, errors %,d%s, chunks %,d (%s per stream)", s.ok(), s.errorCount(),
                s.errorCount() > 0 ? " (" + s.errorSummary() + ")" : "", s.chunkCount(), s.chunksPerStream());
        out("  all done in %.2f s; chunk delivery p50 %.3f ms, p99 %.3f ms, max %.3f ms; first chunks p50 %.3f ms, "
                + "p99 %.3f ms", r.wallSeconds(), s.ms(50), s.ms(99), s.maxMs(), s.firstMs(50), s.firstMs(99));
        out("  driver's peak in flight %,d; peak streams open (first chunk received, not ended) %,d",
                r.peakDriverInFlight(), peakOpen.get());
        out("    emulator's stream log: %s", gemgateLog);
        heapReport(r);
        out("");
        boolean full = n >= TARGET_IN_FLIGHT;
        // concurrent means open together: at least 95% of the streams between their first chunk and their end at once
        boolean together = peakOpen.get() >= n * 0.95;
        boolean clean = s.errorCount() == 0 && s.ok() == n && together;
        long live = r.liveAfterGc();
        verdicts.add(String.format(Locale.ROOT, "%,d streams in flight: %,d errors, %,d streams open at once%s %s", n,
                s.errorCount(), peakOpen.get(), together ? "" : " (fewer than 95% together: MISS whatever the errors)",
                full ? pass(clean) : notAtTarget(n)));
        verdicts.add(String.format(Locale.ROOT, "%,d streams in flight, heap (target <= 512 MB): live after a full GC "
                + "with the streams open %s %s", n, mb(live), live < 0 ? "UNKNOWN" : full
                ? pass(live <= TARGET_HEAP_BYTES) : notAtTarget(n)));
        result(T_STREAMS, full ? clean : null);
        result(T_STREAMS_HEAP, full && live >= 0 ? live <= TARGET_HEAP_BYTES : null);
    }

    /** A stream for the in-flight harness; {@code open} counts streams between their first chunk and their end. */
    private static InFlight.Call streamCall(StreamDriver driver, Target target, StreamStats stats, AtomicInteger open,
                                            AtomicInteger... peak) {
        return c -> {
            int chunks = driver.once(c, target, stats, () -> {
                int now = open.incrementAndGet();
                for (AtomicInteger p : peak) {
                    p.accumulateAndGet(now, Math::max);
                }
            });
            if (chunks > 0) {
                open.decrementAndGet();
            }
        };
    }

    /** Gemgate's heap during an in-flight scenario: the sampled gauges and the jcmd snapshots. */
    private void heapReport(InFlight.Result r) {
        if (r.peakActiveRequests() >= 0) {
            out("  Gemgate's own gauge of active HTTP requests, highest sample: %,d", r.peakActiveRequests());
        }
        out("  Gemgate heap (jvm_memory_used_bytes{area=\"heap\"}, sampled every 250 ms): before %s, highest %s "
                + "(committed then %s)", mb(r.baseline().heapUsed()), mb(r.peak().heapUsed()), mb(r.peak().heapCommitted()));
        r.snapshot().forEach(l -> out("  %s", l));
        if (!r.faultCleared()) {
            out("  WARNING: the emulator's fault could not be cleared");
        }
    }

    // ---------------------------------------------------------------- in flight

    private void inFlight(Target gemgate) throws Exception {
        int n = o.integer("inflight");
        int delay = o.integer("inflight-delay-ms");
        int clients = o.integer("inflight-clients");
        Duration timeout = Duration.ofSeconds(o.integer("inflight-timeout-s"));
        String fault = "{\"type\":\"LATENCY\",\"times\":-1,\"delayMillis\":" + delay + "}";
        log("in flight: upstream latency +" + delay + " ms");
        InFlight.Result base = null;
        Stats baseStats = new Stats();
        if (o.bool("inflight-baseline")) {
            log("in flight, baseline: the same " + n + " requests straight to the emulator");
            Target direct = new Target("direct", o.base("direct-url"), o.str("upstream-key"), gemgate.model(),
                    gemgate.maxOutputTokens());
            GemgateProbe none = new GemgateProbe(direct.base(), "", o.str("jcmd"));
            try {
                base = InFlight.run(InFlight.unary(direct, timeout, baseStats), n, o.base("direct-url"), fault, none,
                        clients, timeout, delay, false, null, Bench::log);
            } finally {
                none.close();
            }
        }
        log("in flight: " + n + " concurrent requests through Gemgate");
        GemgateProbe probe = new GemgateProbe(o.gemgateManagement(), o.str("gemgate-pid"), o.str("jcmd"));
        InFlight.Result r;
        Stats s = new Stats();
        try {
            r = InFlight.run(InFlight.unary(gemgate, timeout, s), n, o.base("direct-url"), fault, probe, clients,
                    timeout, delay, o.bool("inflight-full-gc"), null, Bench::log);
        } finally {
            probe.close();
        }
        out("In flight: %,d concurrent requests through Gemgate, emulator adding %,d ms to every reply, "
                + "%d HttpClients in the driver", n, delay, o.integer("inflight-clients"));
        if (base != null) {
            Stats b = baseStats;
            out("  baseline, straight to the emulator: ok %,d, errors %,d%s; all done in %.2f s; latency p50 %.0f ms, "
                    + "p99 %.0f ms, max %.0f ms", b.ok(), b.errorCount(),
                    b.errorCount() > 0 ? " (" + b.errorSummary() + ")" : "", base.wallSeconds(), b.ms(50), b.ms(99),
                    b.maxMs());
        }
        out("  through Gemgate: ok %,d, errors %,d%s", s.ok(), s.errorCount(),
                s.errorCount() > 0 ? " (" + s.errorSummary() + ")" : "");
        out("  all done in %.2f s; latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; driver's peak in flight %,d",
                r.wallSeconds(), s.ms(50), s.ms(99), s.maxMs(), r.peakDriverInFlight());
        heapReport(r);
        long live = r.liveAfterGc();
        out("");
        long used = Math.max(r.peak().heapUsed(), r.usedAtSnapshot());
        boolean full = n >= TARGET_IN_FLIGHT;
        boolean clean = s.errorCount() == 0 && s.ok() == n;
        verdicts.add(String.format(Locale.ROOT, "%,d in flight: %,d errors %s", n, s.errorCount(),
                full ? pass(clean) : notAtTarget(n)));
        verdicts.add(String.format(Locale.ROOT, "%,d in flight, heap (target <= 512 MB): live after a full GC at the peak "
                        + "%s %s; highest used incl. uncollected garbage %s (for information)", n, mb(live),
                live < 0 ? "UNKNOWN" : full ? pass(live <= TARGET_HEAP_BYTES) : notAtTarget(n), mb(used)));
        result(T_INFLIGHT, full ? clean : null);
        result(T_INFLIGHT_HEAP, full && live >= 0 ? live <= TARGET_HEAP_BYTES : null);
    }

    // ---------------------------------------------------------------- start-up

    private void startup() {
        String fresh = o.str("startup-fresh-ms");
        String restart = o.str("startup-restart-ms");
        if (fresh.isEmpty() && restart.isEmpty()) {
            return;
        }
        out("Gemgate start-up, process start to the first 200 on /q/health/ready (measured by run.sh):");
        if (!fresh.isEmpty()) {
            out("  first start, fresh data directory (initdb's the embedded PostgreSQL, migrates, seeds; unpacks its binaries "
                    + "unless the build did): %s ms", fresh);
        }
        if (!restart.isEmpty()) {
            out("  restart on the existing data directory: %s ms", restart);
            restartSteps();
            boolean ok = Long.parseLong(restart) <= TARGET_STARTUP_MS;
            verdicts.add(String.format(Locale.ROOT, "start-up (restart) %s ms (target <= %d) %s", restart,
                    TARGET_STARTUP_MS, pass(ok)));
            result(T_RESTART, ok);
        }
        if (!fresh.isEmpty()) {
            boolean ok = Long.parseLong(fresh) <= TARGET_FIRST_START_MS;
            verdicts.add(String.format(Locale.ROOT, "start-up (first start: initdb's the embedded PostgreSQL, migrates, "
                    + "seeds) %s ms (target <= %d) %s", fresh, TARGET_FIRST_START_MS, pass(ok)));
            result(T_FIRST_START, ok);
        }
        out("");
    }

    /** Where the restart's time went, from its log (run.sh starts Gemgate with Quarkus's step timings on). */
    private void restartSteps() {
        String log = o.str("startup-restart-log");
        if (log.isEmpty()) {
            return;
        }
        int shown = o.integer("startup-steps"); // a bad flag fails as every flag does, not as an unreadable log
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(log));
        } catch (IOException e) {
            out("    (the restart's log %s could not be read: %s)", log, e.getMessage());
            return;
        }
        for (String line : StartupSteps.describe(StartupSteps.parse(lines), shown)) {
            out("    %s", line);
        }
    }

    // ---------------------------------------------------------------- database round trips

    /**
     * Runs {@code work} between two snapshots of PostgreSQL's statistics and of Gemgate's request counter; the closing
     * snapshot waits {@code --db-settle-ms} so that the window's audit batch and settlements are in it.
     */
    private void dbWindow(String label, Work work) throws Exception {
        if (pg == null) {
            work.run();
            return;
        }
        PgStats.Snapshot a;
        long r0;
        try {
            a = pg.snapshot();
            r0 = metricsProbe.sum("gemgate_requests_total");
        } catch (Exception e) {
            log("database: snapshot failed (" + e.getMessage() + "); no more database windows");
            pgProblem = "a snapshot failed: " + e.getMessage();
            pg = null;
            work.run();
            return;
        }
        work.run();
        // the audit writer may be behind under load: its events belong to the window that made them
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (metricsProbe.sum("gemgate_audit_events_queued") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(o.integer("db-settle-ms"));
        try {
            long r1 = metricsProbe.sum("gemgate_requests_total");
            PgStats.Snapshot b = pg.snapshot();
            dbWindows.add(new DbWindow(label, r0 < 0 || r1 < 0 ? -1 : r1 - r0, PgStats.between(a, b)));
        } catch (Exception e) {
            log("database: snapshot failed (" + e.getMessage() + ")");
        }
    }

    private static String perRequest(long count, long requests) {
        return count < 0 || requests <= 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", count / (double) requests);
    }

    private void database(boolean withGemgate) {
        if (!withGemgate) {
            return;
        }
        if (pg == null && dbWindows.isEmpty()) {
            out("Database round trips: NOT MEASURED (%s)", pgProblem);
            out("");
            verdicts.add("database round trips per request: NOT MEASURED (" + pgProblem + ")");
            result(T_DB, null);
            return;
        }
        boolean statements = pg == null || pg.statementsAvailable();
        boolean replies = !dbWindows.isEmpty() && dbWindows.stream().allMatch(w -> w.window().replies() >= 0);
        out("Database work per Gemgate request: Gemgate's embedded PostgreSQL (database %s); per window, the requests "
                + "Gemgate served (gemgate_requests_total) and per request:", pg == null ? "?" : pg.database());
        out("  statements: executions counted by pg_stat_statements, BEGIN left out (the JDBC driver sends it with the "
                + "next statement)%s;", statements ? "" : " NOT AVAILABLE (" + (pg == null ? "?" : pg.statementsProblem())
                + ")");
        out("  transactions: pg_stat_database xact_commit + xact_rollback (each is >= 1 round trip; may lag up to 10 s);");
        out("  round trips: PostgreSQL's replies, TCP segments it sent with data (ss data_segs_out): one per round trip, "
                + "plus one per further 8 KB of a large reply%s", replies ? "" : " (NOT AVAILABLE: no ss)");
        out("  %-34s %9s %8s %11s %8s %12s %8s %11s %8s", "window", "requests", "seconds", "statements", "per req",
                "transactions", "per req", "round trips", "per req");
        for (DbWindow w : dbWindows) {
            PgStats.Window d = w.window();
            out("  %-34s %9s %8.1f %11s %8s %12s %8s %11s %8s", w.label(), w.requests() < 0 ? "n/a"
                            : String.format(Locale.ROOT, "%,d", w.requests()), d.seconds(),
                    statements ? String.format(Locale.ROOT, "%,d", d.statementsWithoutBegin()) : "n/a",
                    statements ? perRequest(d.statementsWithoutBegin(), w.requests()) : "n/a",
                    String.format(Locale.ROOT, "%,d", d.transactions()), perRequest(d.transactions(), w.requests()),
                    d.replies() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", d.replies()),
                    perRequest(d.replies(), w.requests()));
        }
        out("  (a window runs from just before a part's warm-up to the end of its audit writes; background work in it, "
                + "such as audit flushes, lease refills, heartbeats and sweeps, counts, amortised over its requests)");
        int top = o.integer("db-top");
        for (String path : List.of("gemgate", "openai", "cachehit", "sequential")) {
            DbWindow last = null;
            for (DbWindow w : dbWindows) {
                if (w.label().startsWith(path.equals("sequential") ? "sequential " : "throughput " + path + " ")) {
                    last = w;
                }
            }
            if (last == null || !statements || last.requests() <= 0) {
                continue;
            }
            int shown = path.equals("gemgate") ? top : Math.min(top, 5);
            out("  top %d statements, %s: calls, calls per request, statement", shown, last.label());
            long requests = last.requests();
            last.window().statements().stream().limit(shown).forEach(q -> out("    %9d %9.4f  %s", q.calls(),
                    q.calls() / (double) requests, PgStats.shortText(q.query(), 110)));
        }
        // the target: every throughput window through Gemgate (both surfaces and the cache hits), every round; judged
        // on --db-judge: the round trips when the kernel counts them, else the statements (an upper bound, batches
        // aside), else the transactions
        String judge = o.str("db-judge");
        if (!List.of("round-trips", "statements", "transactions").contains(judge)) {
            throw new IllegalArgumentException("--db-judge is round-trips, statements or transactions, not " + judge);
        }
        boolean byReplies = judge.equals("round-trips") && replies;
        boolean byStatements = !byReplies && !judge.equals("transactions") && statements;
        boolean any = false;
        for (DbWindow w : dbWindows) {
            if (!w.label().startsWith("throughput ")) {
                continue;
            }
            any = true;
            PgStats.Window d = w.window();
            boolean known = w.requests() > 0;
            long count = byReplies ? d.replies() : byStatements ? d.statementsWithoutBegin() : d.transactions();
            double per = known ? count / (double) w.requests() : Double.NaN;
            verdicts.add(String.format(Locale.ROOT, "database round trips per request (%s): %s %.3f (target <= %.1f) "
                            + "%s; statements %s, transactions %s per request", w.label(), byReplies
                            ? "round trips (PostgreSQL's replies)" : byStatements ? "statements (pg_stat_statements)"
                            : "transactions (pg_stat_database)", per,
                    TARGET_DB_ROUND_TRIPS, known ? pass(per <= TARGET_DB_ROUND_TRIPS) : "UNKNOWN",
                    statements ? perRequest(d.statementsWithoutBegin(), w.requests()) : "n/a",
                    perRequest(d.transactions(), w.requests())));
            result(T_DB, known ? per <= TARGET_DB_ROUND_TRIPS : null);
        }
        if (!any) {
            verdicts.add("database round trips per request: NOT MEASURED (no throughput window through Gemgate)");
            result(T_DB, null);
        }
        out("");
    }

    // ---------------------------------------------------------------- policies

    /** Which policies were on, and evidence from Gemgate that they acted during the run. */
    private void policies(Target gemgate, Duration timeout) {
        out("Policies: %s; what they did in this run:", o.str("policies").isEmpty() ? "as configured (not stated)"
                : o.str("policies").replaceAll(":.*", ""));
        // quota: an admitted request carries the x-ratelimit-* headers of the tightest limit that applied
        try (HttpClient c = JavaDriver.client()) {
            HttpResponse<String> r = c.send(gemgate.request(timeout), HttpResponse.BodyHandlers.ofString());
            List<String> headers = new ArrayList<>();
            r.headers().map().forEach((k, v) -> {
                if (k.toLowerCase(Locale.ROOT).startsWith("x-ratelimit-")) {
                    headers.add(k.toLowerCase(Locale.ROOT) + ": " + String.join(",", v));
                }
            });
            Collections.sort(headers);
            out("  quota: one more request answered %d with %s", r.statusCode(),
                    headers.isEmpty() ? "no x-ratelimit-* headers (no rate limit applied)" : String.join("; ", headers));
        } catch (Exception e) {
            out("  quota: the evidence request failed: %s", e.getMessage());
        }
        String metrics = metricsProbe == null ? null : metricsProbe.metricsText();
        if (metrics == null) {
            out("  /q/metrics could not be read");
        } else {
            List<String> budget = GemgateProbe.lines(metrics, "gemgate_budget_utilization_ratio");
            out("  budget: %s", budget.isEmpty() ? "no gemgate_budget_utilization_ratio series (no budget set)"
                    : String.join("; ", budget));
            Map<String, Long> outcomes = new java.util.TreeMap<>();
            for (String l : GemgateProbe.lines(metrics, "gemgate_requests_total")) {
                outcomes.merge(GemgateProbe.label(l, "outcome"), Math.round(GemgateProbe.value(l)), Long::sum);
            }
            out("  requests by outcome (gemgate_requests_total; cache hits among them): %s", outcomes);
            out("  audit: %s", String.join("; ", concat(GemgateProbe.lines(metrics, "gemgate_audit_events_written_total"),
                    GemgateProbe.lines(metrics, "gemgate_audit_events_lost_total"))));
        }
        DbWindow whole = dbWindows.isEmpty() ? null : dbWindows.getLast();
        if (whole != null && whole.label().startsWith("whole run")) {
            Map<String, Long> tables = new LinkedHashMap<>();
            for (String table : List.of("quota_buckets", "concurrency_leases", "budget_accounts", "budget_reservations",
                    "budget_settlements", "response_cache", "audit_events")) {
                long calls = whole.window().statements().stream().filter(q -> q.query().contains(" " + table))
                        .mapToLong(PgStats.Query::calls).sum();
                tables.put(table, calls);
            }
            out("  statements on the policies' tables over the whole run (pg_stat_statements): %s", tables);
        }
        String otlp = o.str("otlp-log");
        if (!otlp.isEmpty()) {
            try {
                long exports;
                try (var lines = Files.lines(Path.of(otlp))) {
                    exports = lines.count();
                }
                out("  tracing: %,d OTLP export requests received by the sink (%s)", exports, otlp);
            } catch (Exception e) {
                out("  tracing: the sink's log %s cannot be read: %s", otlp, e.getMessage());
            }
        } else {
            out("  tracing: no OTLP sink given (--otlp-log): off unless Gemgate was given an endpoint");
        }
        out("");
    }

    /** {@code text} as report lines of at most 118 characters, the later ones indented by {@code indent}. */
    private void wrapped(String text, String indent) {
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > 118) {
                out("%s", line);
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > 0 && !line.toString().equals(indent)) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            out("%s", line);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ---------------------------------------------------------------- summary

    /** "issue 21 targets: N of M PASS": a target passes when it passed in every round of this run that measured it. */
    private void summary() {
        int passed = 0;
        List<String> missed = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        for (Map.Entry<String, List<Boolean>> e : results.entrySet()) {
            List<Boolean> r = e.getValue();
            if (r.isEmpty() || r.contains(null)) {
                unmeasured.add(e.getKey());
            } else if (r.contains(Boolean.FALSE)) {
                missed.add(e.getKey() + " (" + r.stream().filter(Boolean.FALSE::equals).count() + " of " + r.size()
                        + " rounds missed)");
            } else {
                passed++;
            }
        }
        out("");
        out("issue 21 targets: %d of %d PASS (a target passes when it passes in every round of this run that measures it)",
                passed, results.size());
        if (!missed.isEmpty()) {
            out("  MISS: %s", String.join("; ", missed));
        }
        if (!unmeasured.isEmpty()) {
            out("  not measured (or not at the target's size): %s", String.join("; ", unmeasured));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String notAtTarget(int n) {
        return String.format(Locale.ROOT, "NOT JUDGED (%,d < the target's %,d)", n, TARGET_IN_FLIGHT);
    }

    private static String pass(boolean ok) {
        return ok ? "PASS" : "MISS";
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static String memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.0f GB RAM", kb / 1048576.0);
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return "RAM n/a";
    }
}
