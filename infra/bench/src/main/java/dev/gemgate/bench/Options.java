package dev.gemgate.bench;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line flags of {@link Bench}: {@code --name value} or {@code --name=value}. Every count and duration of the
 * run is a flag, so a quick smoke run and a careful run use the same code.
 */
final class Options {

    /** flag → (default, help); the order is the order of {@code --help}. */
    private static final Map<String, String[]> FLAGS = new LinkedHashMap<>();

    static {
        flag("direct-url", "", "base URL of the Gemini emulator (required), e.g. http://127.0.0.1:18089");
        flag("nginx-url", "", "base URL of the nginx proxy_pass in front of the emulator (optional)");
        flag("vertx-url", "", "base URL of the bare Vert.x proxy in front of the emulator, the Java reference path "
                + "(ReferenceProxy; optional)");
        flag("gemgate-url", "", "base URL of Gemgate (optional; without it the Gemgate rows are skipped)");
        flag("gemgate-key", "", "tenant API key for Gemgate (gmg_...), sent as x-goog-api-key");
        flag("gemgate-management-url", "", "base URL of Gemgate's management interface, where /q/metrics is "
                + "(default: --gemgate-url's host on port 9000)");
        flag("gemgate-pid", "", "Gemgate's process id, for a jcmd GC.heap_info snapshot at the in-flight peak");
        flag("emulator-pid", "", "the emulator's process id: its CPU per request in the throughput part (optional)");
        flag("nginx-pid", "", "nginx's master process id: its and its workers' CPU per request (optional)");
        flag("postgres-pid", "", "Gemgate's PostgreSQL server's process id (the postmaster): its and its backends' "
                + "CPU per request (optional)");
        flag("vertx-pid", "", "the reference proxy's process id: its CPU per request (optional)");
        flag("jcmd", "jcmd", "the jcmd binary (of a JDK >= 21)");
        flag("upstream-key", "bench-upstream-key", "x-goog-api-key sent on the direct and nginx paths");
        flag("model", "gemini-2.5-flash", "model in the request path");
        flag("max-output-tokens", "32", "generationConfig.maxOutputTokens of every request");
        flag("openai-path", "true", "with Gemgate: also measure its OpenAI-compatible path (openai: "
                + "/v1beta/openai/chat/completions, a unique prompt each time) in the sequential and throughput parts");
        flag("cache-hit-path", "true", "with Gemgate: also measure a cache-hit path (cachehit: the same prompt at "
                + "temperature 0 every time, answered by the response cache) in the sequential and throughput parts");
        flag("seq-warmup", "1000", "sequential: warm-up requests per path (not measured)");
        flag("seq-requests", "2000", "sequential: measured requests per path");
        flag("seq-block", "100", "sequential: the paths take turns in blocks of this many requests");
        flag("seq-rounds", "2", "sequential: how many times to run the whole sequential measurement (noise check)");
        flag("connections", "64", "throughput: concurrent keep-alive connections");
        flag("tp-warmup-s", "3", "throughput: warm-up seconds per path (not measured)");
        flag("tp-duration-s", "10", "throughput: measured seconds per path");
        flag("tp-rounds", "2", "throughput: how many times to run the whole throughput measurement (even rounds "
                + "take the paths in reverse order)");
        flag("tp-tool", "wrk", "throughput driver: wrk (C, low overhead) or java (HttpClient, one client per connection)");
        flag("wrk", "wrk", "the wrk binary (for --tp-tool wrk)");
        flag("wrk-threads", "1", "wrk threads (each drives connections/threads connections)");
        flag("inflight", "5000", "in-flight scenario: concurrent requests through Gemgate (0 = skip)");
        flag("inflight-delay-ms", "2000", "in-flight scenario: latency the emulator adds to every reply");
        flag("inflight-clients", "50", "in-flight scenario: HttpClient instances sharing the requests");
        flag("inflight-timeout-s", "60", "in-flight scenario: per-request timeout");
        flag("inflight-baseline", "true", "in-flight scenario: first send the same burst straight to the emulator, "
                + "to show what the emulator and the driver account for");
        flag("inflight-full-gc", "true", "in-flight scenario: after the jcmd heap snapshot, run jcmd GC.run and "
                + "read the heap again (the live heap with all requests waiting)");
        flag("stream-requests", "300", "streaming latency: measured streams per path (0 = skip the phase)");
        flag("stream-warmup", "60", "streaming latency: warm-up streams per path (not measured)");
        flag("stream-block", "20", "streaming latency: the paths take turns in blocks of this many streams");
        flag("stream-rounds", "1", "streaming latency: how many times to run the whole streaming measurement");
        flag("stream-chunks", "10", "streams: chunks per stream (the reply is cut at stream-chunks * "
                + "stream-chunk-tokens tokens)");
        flag("stream-chunk-tokens", "8", "streams: the emulator's tokens per chunk (its --chunk-tokens)");
        flag("stream-chunk-delay-ms", "5", "streaming latency: the emulator waits this long before each chunk "
                + "(a CHUNK_DELAY fault for the phase), so chunks come one by one, not in one burst");
        flag("stream-inflight", "5000", "streams in flight: concurrent streams through Gemgate (0 = skip)");
        flag("stream-inflight-delay-ms", "1000", "streams in flight: the emulator waits this long before each chunk, "
                + "so that all streams are open at once");
        flag("stream-inflight-clients", "50", "streams in flight: HttpClient instances sharing the streams");
        flag("stream-inflight-baseline", "true", "streams in flight: first open the same streams straight to the "
                + "emulator");
        flag("embed-requests", "3000", "embeddings: embedContent requests per path in the concurrent run (0 = skip "
                + "the embeddings part)");
        flag("embed-concurrency", "64", "embeddings: concurrent workers (each on its own connection)");
        flag("embed-seq", "300", "embeddings: measured sequential requests per path (one at a time)");
        flag("embed-seq-warmup", "100", "embeddings: sequential warm-up requests per path (not measured)");
        flag("embed-model", "gemini-embedding-001", "embeddings: the embedding model");
        flag("embed-dimensions", "768", "embeddings: outputDimensionality of every request");
        flag("embed-batching", "as configured", "embeddings: a label for Gemgate's micro-batching setting in the "
                + "report (run.sh --embed-batching on|off sets it and Gemgate's configuration)");
        flag("embed-only", "false", "run only the embeddings part (after the check that every path answers)");
        flag("startup-fresh-ms", "", "Gemgate start-up on a fresh data directory, as measured by run.sh");
        flag("startup-restart-ms", "", "Gemgate start-up on an existing data directory, as measured by run.sh");
        flag("startup-restart-log", "", "the restart's log, with Quarkus's step timings (run.sh passes it): the report "
                + "lists the longest steps");
        flag("startup-steps", "8", "how many of the restart's longest steps the report lists");
        flag("pg-url", "", "JDBC URL of Gemgate's (embedded) PostgreSQL, e.g. jdbc:postgresql://localhost:PORT/postgres: "
                + "the database round trips per request are read from its statistics (run.sh passes it; empty = skip)");
        flag("pg-user", "postgres", "PostgreSQL user for --pg-url (the embedded server's superuser)");
        flag("pg-password", "postgres", "password for --pg-user");
        flag("db-settle-ms", "1000", "database windows: wait this long after a window's last request before the "
                + "closing snapshot, so that the audit writer's batch (50 ms) and settlements of the window are in it");
        flag("db-judge", "round-trips", "database target: judged on round-trips (PostgreSQL's replies, ss), "
                + "statements (pg_stat_statements calls without BEGIN: JDBC batches count one per row) or transactions");
        flag("db-top", "10", "database: how many statements the breakdown lists");
        flag("policies", "", "a line naming the policies Gemgate runs with (run.sh --policies on|off sets them)");
        flag("otlp-log", "", "the access log of the OTLP sink Gemgate exports its traces to (run.sh: nginx), "
                + "counted as evidence that tracing is on");
        flag("note", "", "a line printed in the report's header (run.sh: the servers' settings)");
        flag("timeout-s", "30", "per-request timeout outside the in-flight scenario");
    }

    private static void flag(String name, String def, String help) {
        FLAGS.put(name, new String[] {def, help});
    }

    private final Map<String, String> values = new LinkedHashMap<>();

    static Options parse(String[] args) {
        Options o = new Options();
        FLAGS.forEach((k, v) -> o.values.put(k, v[0]));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return null;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                value = args[++i];
            }
            if (!FLAGS.containsKey(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
            }
            o.values.put(name, value);
        }
        if (o.str("direct-url").isEmpty()) {
            throw new IllegalArgumentException("--direct-url is required");
        }
        return o;
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: java -jar gemgate-bench.jar --direct-url URL [flags]\n");
        FLAGS.forEach((k, v) -> b.append(String.format("  --%-26s %s%s%n", k, v[1],
                v[0].isEmpty() ? "" : " (default " + v[0] + ")")));
        return b.toString();
    }

    String str(String name) {
        return values.get(name).trim();
    }

    int integer(String name) {
        try {
            return Integer.parseInt(str(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a whole number, not \"" + str(name) + "\"");
        }
    }

    boolean bool(String name) {
        return Boolean.parseBoolean(str(name));
    }

    /** Gemgate's management interface: --gemgate-management-url, or --gemgate-url's host on Quarkus's port 9000. */
    URI gemgateManagement() {
        URI explicit = base("gemgate-management-url");
        if (explicit != null) {
            return explicit;
        }
        URI gemgate = base("gemgate-url");
        return gemgate == null ? null : URI.create(gemgate.getScheme() + "://" + gemgate.getHost() + ":9000");
    }

    /** The base URL without a trailing slash, or null when the flag is empty. */
    URI base(String name) {
        String s = str(name);
        if (s.isEmpty()) {
            return null;
        }
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
}
