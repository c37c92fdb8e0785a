package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process HTTP server speaking the Gemini API wire protocol (Developer API under {@code /v1/} and
 * {@code /v1beta/}, Vertex AI under {@code /v1beta1/} and {@code /v1/projects/...}) with deterministic replies
 * ({@code "Echo: " + last user text}), {@link EmulatorTokenizer honest token counts}, a {@link FaultPlan}, a
 * log of the requests it received, a {@link StreamLog} of what became of its streams and optional
 * {@link #responseExtras(String) response extras}. One virtual thread per request; no per-request logging.
 *
 * <pre>{@code
 * try (GeminiEmulator emulator = GeminiEmulator.start(0)) {
 *     emulator.faults().rateLimit(1, Duration.ofSeconds(3));
 *     // point a client at emulator.baseUrl() ...
 * }
 * }</pre>
 */
public final class GeminiEmulator implements AutoCloseable {

    /** How many requests {@link #recordedRequests()} keeps (the most recent ones). */
    public static final int RECORDED_REQUESTS_CAPACITY = 10_000;
    /**
     * How many characters of bodies {@link #recordedRequests()} keeps in all: older requests are dropped beyond it
     * (the newest is always kept), so that a test sending large images does not hold them all.
     */
    public static final long RECORDED_BODY_CHARS_CAPACITY = 256L * 1024 * 1024;

    /** The listen backlog: generous, so thousands of simultaneous connects are not refused. */
    static final int BACKLOG = 16_384;

    static {
        // JDK HttpServer tuning, read once per JVM when the first server starts (an explicit -D wins):
        // Nagle off (it adds ~40 ms to small keep-alive replies); keep up to 20,000 idle keep-alive
        // connections instead of 200 (beyond that the server closes connections that clients then try to
        // reuse, which fails their next request); close idle connections after 10 minutes instead of 30 s,
        // longer than the keep-alive of common clients (OkHttp 5 min, java.net.http 30 s), so the client
        // closes first and never reuses a connection the server is closing.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        setIfAbsent("sun.net.httpserver.maxIdleConnections", "20000");
        setIfAbsent("sun.net.httpserver.idleInterval", "600");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private final EmulatorConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final FaultPlan faults = new FaultPlan();
    private final StreamLog streamLog = new StreamLog();
    private final KeyLog keyLog = new KeyLog();
    private final ActionLog actionLog = new ActionLog();
    private final Resources resources = new Resources(this);
    private volatile Duration clockOffset = Duration.ZERO;
    private final Stalls stalls = new Stalls();
    private volatile ObjectNode responseExtras;
    private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
    private long recordedBodyChars;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int port;

    private GeminiEmulator(EmulatorConfig config) throws IOException {
        this.config = config;
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), BACKLOG);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", new EmulatorHandler(this));
        server.start();
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts an emulator on {@code port} (0 = an ephemeral port) of 127.0.0.1 with the default configuration (no
     * request recording).
     */
    public static GeminiEmulator start(int port) {
        return start(EmulatorConfig.builder().port(port).build());
    }

    /** Starts an emulator with {@code config}. */
    public static GeminiEmulator start(EmulatorConfig config) {
        try {
            return new GeminiEmulator(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Gemini emulator on " + config.host() + ":" + config.port(), e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** e.g. {@code http://127.0.0.1:PORT} (a wildcard bind address is reported as 127.0.0.1). */
    public String baseUrl() {
        String host = config.host();
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                host = "127.0.0.1";
            }
        } catch (IOException e) {
            // keep the configured name
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    public EmulatorConfig config() {
        return config;
    }

    /** The fault plan consumed by the next matching model calls. */
    public FaultPlan faults() {
        return faults;
    }

    /**
     * The last requests received, oldest first: at most {@value #RECORDED_REQUESTS_CAPACITY}, and older ones dropped
     * once their bodies pass {@value #RECORDED_BODY_CHARS_CAPACITY} characters in all.
     *
     * @throws IllegalStateException when the emulator does not record (so that a test forgetting to turn recording on
     *                               fails, rather than passing on an empty list)
     */
    public List<RecordedRequest> recordedRequests() {
        if (!config.recordRequests()) {
            throw new IllegalStateException("this emulator does not record requests: start it with "
                    + "EmulatorConfig.builder().recordRequests(true) (or --record)");
        }
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    public void clearRecordedRequests() {
        synchronized (recorded) {
            recorded.clear();
            recordedBodyChars = 0;
        }
    }

    /** What became of the streams: counts per end, records of those that did not complete (client cuts...). */
    public StreamLog streamLog() {
        return streamLog;
    }

    /**
     * Per API key (or bearer token): calls started, first and last seen, in flight now; always on, no bodies. See
     * {@link KeyLog}.
     */
    public KeyLog keyLog() {
        return keyLog;
    }

    /**
     * Calls per model and API method, with the requests they carried (a {@code batchEmbedContents} call: its
     * requests): always on. See {@link ActionLog}.
     */
    public ActionLog actionLog() {
        return actionLog;
    }

    /** The emulator's time: its configured clock plus every {@link #advanceClock(Duration)}. */
    public Instant now() {
        return config.clock().instant().plus(clockOffset);
    }

    /**
     * Moves the emulator's clock forward (files and caches expire, batch jobs progress by time) without waiting. Not
     * undone by {@link #reset()}.
     */
    public synchronized void advanceClock(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward: " + by);
        }
        clockOffset = clockOffset.plus(by);
    }

    Resources resources() {
        return resources;
    }

    /** How many streams are stalled right now by a {@link FaultPlan#stallStreamAfter stall fault}. */
    public int stalledStreams() {
        return stalls.stalled();
    }

    /**
     * Waits up to {@code timeout} until at least {@code count} streams are stalled (so that a test resumes them only once
     * they wait).
     *
     * @throws IllegalStateException when they are not in time
     */
    public void awaitStalledStreams(int count, Duration timeout) {
        if (!stalls.awaitStalled(count, timeout)) {
            throw new IllegalStateException(stalls.stalled() + " stream(s) stalled, not " + count + ", after " + timeout);
        }
    }

    /**
     * Lets every stalled stream go on with the rest of its chunks and returns how many there were. Its first write after
     * the stall is split in two, 50 ms apart, so that a client that left during the stall is seen: the stream then ends
     * {@link StreamLog.End#CLIENT_CUT} with the chunks written before the stall (when nothing but the end of the
     * response is left to write, a departed client may go unnoticed).
     */
    public int resumeStalledStreams() {
        return stalls.resume();
    }

    /**
     * Merges {@code extras} (a JSON object) into every generated response and every streamed chunk from now on: e.g.
     * {@code {"futureField":{"x":[1,2.50,"é"]},"usageMetadata":{"futureCount":7}}} adds a top-level field and a field
     * inside usageMetadata. Objects merge field by field, arrays element by element (so
     * {@code {"candidates":[{"content":{"parts":[{"futureFlag":true}]}}]}} reaches the first part), anything else is set
     * as given. Decimals keep their digits. Null or {@code {}} removes them.
     *
     * @throws IllegalArgumentException when it is not a JSON object
     */
    public void responseExtras(JsonNode extras) {
        responseExtras = ResponseExtras.of(extras);
    }

    /** {@link #responseExtras(JsonNode)} from a map (values as Jackson converts them; use BigDecimal for exact decimals). */
    public void responseExtras(Map<String, ?> extras) {
        responseExtras = ResponseExtras.of(extras);
    }

    /** {@link #responseExtras(JsonNode)} from JSON text (decimals keep their digits: {@code 2.50} stays {@code 2.50}). */
    public void responseExtras(String json) {
        responseExtras = ResponseExtras.parse(json);
    }

    /** The current response extras ({@code {}} when none); a copy. */
    public ObjectNode responseExtras() {
        ObjectNode extras = responseExtras;
        return extras == null ? ResponseExtras.EXACT_JSON.createObjectNode() : extras.deepCopy();
    }

    public void clearResponseExtras() {
        responseExtras = null;
    }

    /**
     * Back to a fresh state for the next test: clears the faults, the request log, the stream log, the key log, the
     * action log, the response extras and every file, upload, cache and batch job, and drops the connections of
     * stalled streams.
     */
    public void reset() {
        faults.clear();
        stalls.drop();
        clearRecordedRequests();
        streamLog.clear();
        keyLog.clear();
        actionLog.clear();
        resources.clear();
        responseExtras = null;
    }

    ObjectNode responseExtrasOrNull() {
        return responseExtras;
    }

    Stalls stalls() {
        return stalls;
    }

    /** Stops listening, releases hanging, delayed and stalled requests (their connections are dropped). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        stalls.close();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resources.close();
    }

    void record(RecordedRequest request) {
        synchronized (recorded) {
            recorded.addLast(request);
            recordedBodyChars += request.body().length();
            while (recorded.size() > RECORDED_REQUESTS_CAPACITY
                    || (recordedBodyChars > RECORDED_BODY_CHARS_CAPACITY && recorded.size() > 1)) {
                recordedBodyChars -= recorded.removeFirst().body().length();
            }
        }
    }

    /**
     * Waits {@code delay} (null: until close). When the emulator closes first, the connection is dropped.
     */
    void pause(Duration delay) {
        try {
            boolean closedNow = delay == null ? awaitForever() : closing.await(delay.toNanos(), TimeUnit.NANOSECONDS);
            if (closedNow) {
                throw new EmulatorHandler.DropConnection();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorHandler.DropConnection();
        }
    }

    private boolean awaitForever() throws InterruptedException {
        closing.await();
        return true;
    }

    @Override
    public String toString() {
        return "GeminiEmulator[" + baseUrl() + "]";
    }
}
