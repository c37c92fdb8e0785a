package dev.gemgate.adapter.gemini;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.PemKeyCertOptions;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deadline on one HTTP/2 + TLS connection shared by many calls, as OkHttp multiplexes calls to Google: a call that
 * hits its deadline while it reads response frames, or while it writes request frames, is reset alone (RST_STREAM
 * CANCEL), and the calls in flight beside it on the same connection finish, as does the next call, on that same
 * connection.
 *
 * <p>The upstream is Vert.x (Netty's HTTP/2) with a self-signed certificate the adapter trusts through
 * {@link GenAiSettings#extraTrustedCertificates()}. With a small per-stream flow-control window, a request body the
 * server does not read keeps its client waiting for credit to write frames; with large windows and a server that stops
 * reading its socket, the client's thread is blocked in the socket write itself, where an interrupt of a virtual
 * thread closes the socket: the last two tests show what that did to the connection, and what the guard does instead.
 * The server holds the calls beside the victim in flight until it has seen the victim's stream reset, so their
 * overlap with the victim's deadline does not depend on timing.
 */
class SharedHttp2DeadlineTest {
    private static final Duration VICTIM_DEADLINE = Duration.ofMillis(400);
    private static final Duration PATIENT = Duration.ofSeconds(30);
    private static final int STREAM_WINDOW = 16 * 1024;
    private static final int HELD_REPLY_CHARS = 256 * 1024;
    private static final int TRICKLE_BODY_CHARS = 2 * 1024 * 1024;
    private static final int VICTIM_UPLOAD_CHARS = 4 * 1024 * 1024;
    /** Far more than the TCP buffers hold (the client's send buffer autotunes up to 4 MB here). */
    private static final int BLOCKING_UPLOAD_CHARS = 24 * 1024 * 1024;
    /** Two calls mid-response (reading frames) and two mid-request (writing frames) beside the victim. */
    private static final int HELD = 2;
    private static final int TRICKLING = 2;
    private static final String REPLY_HEAD = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"";
    private static final String REPLY_TAIL = "\"}]},\"finishReason\":\"STOP\"}],"
            + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":5,\"totalTokenCount\":8}}";

    private static HeldCertificate certificate;

    private Vertx vertx;
    private GenAiGenerationAdapter adapter;
    private UpstreamCredential credential;
    private ExecutorService threads;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<HttpVersion> versions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    /** The RST_STREAM error code the server received for the victim's stream. */
    private final CompletableFuture<Long> victimReset = new CompletableFuture<>();
    private CountDownLatch othersInFlight;
    private final CompletableFuture<Void> firstConnectionClosed = new CompletableFuture<>();
    /** Between the client and the server when the socket is what stops the client writing. */
    private PausableTcpRelay relay;
    private final AtomicLong victimResponseBytesSent = new AtomicLong();
    private final AtomicLong victimRequestBytesReceived = new AtomicLong();
    private volatile boolean victimRequestEnded;

    @BeforeAll
    static void issueCertificate() {
        certificate = new HeldCertificate.Builder().commonName("localhost").addSubjectAlternativeName("localhost")
                .build();
    }

    /** What stops a client writing request frames: the stream's flow-control window, or the server's socket. */
    private enum Backpressure { FLOW_CONTROL, SOCKET }

    /** The OkHttp transport: streams and typed calls always take it, and what the socket tests are about. */
    private void startUpstream(Backpressure backpressure) throws Exception {
        startUpstream(backpressure, GenAiSettings.Transport.OKHTTP);
    }

    private void startUpstream(Backpressure backpressure, GenAiSettings.Transport transport) throws Exception {
        vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(certificate.certificatePem()))
                        .setKeyValue(Buffer.buffer(certificate.privateKeyPkcs8Pem())));
        if (backpressure == Backpressure.FLOW_CONTROL) {
            // the connection's window is no bottleneck: only the stream the server does not read is held back
            options.setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW))
                    .setHttp2ConnectionWindowSize(64 * 1024 * 1024);
        } else {
            // windows never stop the client: a relay that stops reading its socket does
            options.setInitialSettings(new Http2Settings().setInitialWindowSize(Integer.MAX_VALUE))
                    .setHttp2ConnectionWindowSize(Integer.MAX_VALUE);
        }
        HttpServer server = vertx.createHttpServer(options)
                .connectionHandler(connection -> {
                    if (connections.incrementAndGet() == 1) {
                        connection.closeHandler(closed -> firstConnectionClosed.complete(null));
                    }
                })
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        int port = server.actualPort();
        if (backpressure == Backpressure.SOCKET) {
            relay = new PausableTcpRelay(port);
            port = relay.port();
        }
        // one pool: every call goes to the one HTTP/2 connection these tests are about
        adapter = new GenAiGenerationAdapter(GenAiSettings.defaults()
                .withExtraTrustedCertificates(List.of(certificate.certificate())).withPoolShards(1)
                .withTransport(transport));
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("h2"), "h2-test-key",
                Optional.of("https://localhost:" + port));
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        adapter.close();
        if (relay != null) {
            relay.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** On both transports of a raw call ({@link GenAiSettings.Transport}): Vert.x multiplexes on one connection too. */
    @ParameterizedTest
    @EnumSource(GenAiSettings.Transport.class)
    void aCallPastItsDeadlineWhileReadingFramesIsResetAloneAndTheConnectionServesTheOthers(
            GenAiSettings.Transport transport) throws Exception {
        startUpstream(Backpressure.FLOW_CONTROL, transport);

        UpstreamException victim = victimBesideOthers(call("slow-download", "hi"));

        assertThat(victim.kind()).isEqualTo(Kind.TIMEOUT);
        if (transport == GenAiSettings.Transport.OKHTTP) {
            // cancelled in the middle of the response body: the thread was waiting for DATA frames of its stream
            assertThat(okHttpClassesOf(victim)).contains("okhttp3.internal.http2.Http2Stream$FramingSource");
        }
        assertThat(victimResponseBytesSent.get()).isGreaterThan(REPLY_HEAD.length());
    }

    @ParameterizedTest
    @EnumSource(GenAiSettings.Transport.class)
    void aCallPastItsDeadlineWhileWritingFramesIsResetAloneAndTheConnectionServesTheOthers(
            GenAiSettings.Transport transport) throws Exception {
        startUpstream(Backpressure.FLOW_CONTROL, transport);
        GenerationRequest upload = call("stalled-upload", "u".repeat(VICTIM_UPLOAD_CHARS));

        UpstreamException victim = victimBesideOthers(upload);

        assertThat(victim.kind()).isEqualTo(Kind.TIMEOUT);
        // cancelled in the middle of its request body, which the server had only partly read: the thread was blocked
        // writing DATA frames, waiting for flow-control credit (OkHttp's own retry loop then reports "Canceled")
        long bodyBytes = new JsonBodies().write(upload.body()).getBytes(StandardCharsets.UTF_8).length;
        assertThat(victimRequestBytesReceived.get()).isPositive().isLessThan(bodyBytes - STREAM_WINDOW);
        assertThat(victimRequestEnded).isFalse();
    }

    /**
     * Opens the shared connection, starts the calls beside the victim and waits until they are all mid-exchange, then
     * calls the victim with a short deadline; checks that the victim was reset alone, on one h2 connection.
     */
    private UpstreamException victimBesideOthers(GenerationRequest victimRequest) throws Exception {
        othersInFlight = new CountDownLatch(HELD + TRICKLING);
        assertThat(adapter.generate(call("quick", "warm up"), credential, PATIENT).text()).isEqualTo("ok");
        List<Future<GenerationResponse>> held = startHeldCalls();
        List<Future<GenerationResponse>> trickling = new ArrayList<>();
        String upload = "t".repeat(TRICKLE_BODY_CHARS);
        GenerationRequest trickle = call("trickle", upload);
        for (int i = 0; i < TRICKLING; i++) {
            trickling.add(threads.submit(() -> adapter.generate(trickle, credential, PATIENT)));
        }
        assertThat(othersInFlight.await(20, TimeUnit.SECONDS)).as("every other call is mid-exchange").isTrue();

        long start = System.nanoTime();
        Future<List<Object>> victim = threads.submit(() -> {
            UpstreamException e = GenAiGenerationAdapterTest.failure(
                    () -> adapter.generate(victimRequest, credential, VICTIM_DEADLINE));
            return List.of(e, Thread.currentThread().isVirtual(), Thread.currentThread().isInterrupted());
        });
        List<Object> outcome = victim.get(20, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        UpstreamException failure = (UpstreamException) outcome.get(0);

        assertThat(victimReset.get(20, TimeUnit.SECONDS)).as("RST_STREAM CANCEL").isEqualTo(0x8L);
        assertThat(failure.getMessage()).isEqualTo("the upstream did not answer within the deadline");
        assertThat(outcome.subList(1, 3)).as("a virtual thread, never interrupted").containsExactly(true, false);
        assertThat(took).isBetween(VICTIM_DEADLINE, VICTIM_DEADLINE.plusSeconds(5));

        for (Future<GenerationResponse> call : held) {
            GenerationResponse response = call.get(20, TimeUnit.SECONDS);
            assertThat(response.text()).isEqualTo("h".repeat(HELD_REPLY_CHARS));
            assertThat(response.usage().totalTokens()).isEqualTo(8);
        }
        // every byte of each trickled upload arrived, on the connection the victim was reset on
        byte[] sent = new JsonBodies().write(trickle.body()).getBytes(StandardCharsets.UTF_8);
        String receipt = "received " + sent.length + " sha256 " + HexFormat.of().formatHex(sha256().digest(sent));
        for (Future<GenerationResponse> call : trickling) {
            assertThat(call.get(20, TimeUnit.SECONDS).text()).isEqualTo(receipt);
        }
        // the next call goes out on the same connection
        assertThat(adapter.generate(call("quick", "after"), credential, PATIENT).text()).isEqualTo("ok");

        assertThat(connections.get()).as("TLS connections the server accepted").isEqualTo(1);
        assertThat(versions).containsExactly(HttpVersion.HTTP_2);
        assertThat(requests.get()).isEqualTo(1 + HELD + TRICKLING + 1 + 1);
        return failure;
    }

    /**
     * Why the deadline does not interrupt the thread (what it did until issue 13): a virtual thread interrupted while
     * blocked writing frames to the shared socket makes the JDK close that socket, and every call on the connection
     * fails with it.
     */
    @Test
    void anInterruptOfAThreadBlockedWritingFramesWouldCloseTheConnectionForEveryCallOnIt() throws Exception {
        startUpstream(Backpressure.SOCKET);
        othersInFlight = new CountDownLatch(HELD);
        assertThat(adapter.generate(call("quick", "warm up"), credential, PATIENT).text()).isEqualTo("ok");
        List<Future<GenerationResponse>> held = startHeldCalls();
        assertThat(othersInFlight.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Object> victimOutcome = new CompletableFuture<>();
        GenerationRequest upload = blockingUpload();
        Thread victim = Thread.ofVirtual().start(() -> victimOutcome.complete(GenAiGenerationAdapterTest.failure(
                () -> adapter.generate(upload, credential, PATIENT))));
        awaitBlockedInSocketWrite(victim);

        victim.interrupt(); // what VirtualThreadDeadline did at the deadline
        resumeReading(); // lets the relay see the client's end of the connection close, and pass that on

        firstConnectionClosed.get(20, TimeUnit.SECONDS);
        assertThat(((UpstreamException) victimOutcome.get(20, TimeUnit.SECONDS)).kind()).isEqualTo(Kind.UNAVAILABLE);
        for (Future<GenerationResponse> call : held) {
            // calls that had nothing to do with the victim fail with it
            assertThat(catchException(call)).isInstanceOfSatisfying(UpstreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
        }
    }

    /**
     * The same state under the guard: the deadline cannot unblock a socket write (nothing can, short of closing the
     * socket), so it takes effect as soon as the frame being written (at most 16 KiB, {@link FrameSizedBody}) is on its
     * way, and the rest of the body is never sent. The connection survives. Without {@link FrameSizedBody}, OkHttp
     * would send the whole rest of the body after its RST_STREAM, and Netty would close the connection for it.
     */
    @Test
    void aDeadlineOfAThreadBlockedWritingFramesTakesEffectWhenTheFrameIsWrittenAndTheConnectionSurvives()
            throws Exception {
        startUpstream(Backpressure.SOCKET);
        othersInFlight = new CountDownLatch(HELD);
        assertThat(adapter.generate(call("quick", "warm up"), credential, PATIENT).text()).isEqualTo("ok");
        List<Future<GenerationResponse>> held = startHeldCalls();
        assertThat(othersInFlight.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Object> victimOutcome = new CompletableFuture<>();
        GenerationRequest upload = blockingUpload();
        // long enough to be sure the thread is blocked in the write before it runs out, on a slow machine too
        Duration deadline = Duration.ofMillis(1500);
        long start = System.nanoTime();
        Thread victim = Thread.ofVirtual().start(() -> victimOutcome.complete(GenAiGenerationAdapterTest.failure(
                () -> adapter.generate(upload, credential, deadline))));
        awaitBlockedInSocketWrite(victim);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(deadline);
        // the victim's deadline passes while its thread is blocked in the socket write: there it stays
        Thread.sleep(deadline.plusMillis(200).minusNanos(System.nanoTime() - start).toMillis());

        resumeReading();

        UpstreamException failure = (UpstreamException) victimOutcome.get(20, TimeUnit.SECONDS);
        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(failure.getMessage()).isEqualTo("the upstream did not answer within the deadline");
        assertThat(victimReset.get(20, TimeUnit.SECONDS)).as("RST_STREAM CANCEL").isEqualTo(0x8L);
        assertThat(victimRequestBytesReceived.get()).as("the body's bytes that reached the server")
                .isLessThan(upload.originalJson().orElseThrow().length() / 2);
        assertThat(victimRequestEnded).isFalse();
        for (Future<GenerationResponse> call : held) {
            assertThat(call.get(20, TimeUnit.SECONDS).text()).isEqualTo("h".repeat(HELD_REPLY_CHARS));
        }
        assertThat(adapter.generate(call("quick", "after"), credential, PATIENT).text()).isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(1);
        assertThat(firstConnectionClosed).isNotDone();
    }

    private List<Future<GenerationResponse>> startHeldCalls() {
        List<Future<GenerationResponse>> held = new ArrayList<>();
        for (int i = 0; i < HELD; i++) {
            GenerationRequest hold = call("held", "hold " + i);
            held.add(threads.submit(() -> adapter.generate(hold, credential, PATIENT)));
        }
        return held;
    }

    /** Far more than the TCP buffers hold, with its JSON text ready (the hot path sends it as it is). */
    private static GenerationRequest blockingUpload() {
        String text = "s".repeat(BLOCKING_UPLOAD_CHARS);
        GenerationRequest request = call("stop-reading", text);
        return new GenerationRequest(request.model(), request.body(),
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}");
    }

    /** Waits (polling the thread's state, up to 20 s) until {@code thread} is parked in a socket write under OkHttp. */
    private static void awaitBlockedInSocketWrite(Thread thread) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            String stack = java.util.Arrays.toString(thread.getStackTrace());
            if (thread.getState() == Thread.State.WAITING && stack.contains("java.net.Socket$SocketOutputStream.write")
                    && stack.contains("okhttp3.internal.http2.Http2Writer.data")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the thread never blocked writing to the socket (alive: " + thread.isAlive() + "): "
                + java.util.Arrays.toString(thread.getStackTrace()));
    }

    private void resumeReading() {
        relay.resume();
    }

    private static Throwable catchException(Future<?> call) throws InterruptedException, TimeoutException {
        try {
            call.get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    // ---- the upstream -------------------------------------------------------------------------------------------

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        versions.add(request.version());
        String path = request.path();
        String model = path.substring("/v1beta/models/".length(), path.indexOf(':'));
        switch (model) {
            case "quick" -> request.body().onSuccess(body -> reply(request.response(), "ok"));
            case "held" -> held(request);
            case "trickle" -> trickle(request);
            case "slow-download" -> slowDownload(request);
            case "stalled-upload" -> stalledUpload(request);
            case "stop-reading" -> stopReading(request);
            default -> request.response().setStatusCode(404).end();
        }
    }

    /** Reads the request, sends the first part of a long reply, and the rest once the victim has been reset. */
    private void held(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            HttpServerResponse response = request.response().putHeader("content-type", "application/json");
            int first = 64 * 1024;
            response.write(REPLY_HEAD + "h".repeat(first));
            othersInFlight.countDown();
            Context context = Vertx.currentContext();
            victimReset.whenComplete((code, e) -> context.runOnContext(v ->
                    response.end("h".repeat(HELD_REPLY_CHARS - first) + REPLY_TAIL)));
        });
    }

    /**
     * Reads the request body a few buffers at a time and stops halfway until the victim has been reset, so the client is
     * still writing frames then (blocked on the stream's flow-control window); replies with what it received.
     */
    private void trickle(HttpServerRequest request) {
        request.pause();
        MessageDigest sha = sha256();
        long[] received = {0};
        request.handler(buffer -> {
            received[0] += buffer.length();
            sha.update(buffer.getBytes());
        });
        request.endHandler(end -> reply(request.response(), "received " + received[0] + " sha256 "
                + HexFormat.of().formatHex(sha.digest())));
        vertx.setPeriodic(1, timer -> {
            if (received[0] < TRICKLE_BODY_CHARS / 8) {
                request.fetch(8);
                return;
            }
            vertx.cancelTimer(timer);
            othersInFlight.countDown();
            Context context = Vertx.currentContext();
            victimReset.whenComplete((code, e) -> context.runOnContext(v -> request.resume()));
        });
    }

    /** Sends a reply that never ends, a little at a time, until the client resets the stream. */
    private void slowDownload(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            HttpServerResponse response = request.response().putHeader("content-type", "application/json");
            response.write(REPLY_HEAD);
            victimResponseBytesSent.addAndGet(REPLY_HEAD.length());
            long timer = vertx.setPeriodic(10, t -> {
                if (!response.ended() && !response.closed()) {
                    response.write("d".repeat(8 * 1024));
                    victimResponseBytesSent.addAndGet(8 * 1024);
                }
            });
            request.exceptionHandler(e -> {
                vertx.cancelTimer(timer);
                recordReset(e);
            });
            response.exceptionHandler(e -> {
                vertx.cancelTimer(timer);
                recordReset(e);
            });
        });
    }

    /** Reads the start of the request body and no more: past the stream's window, the client is blocked writing. */
    private void stalledUpload(HttpServerRequest request) {
        request.pause();
        request.handler(buffer -> victimRequestBytesReceived.addAndGet(buffer.length()));
        request.endHandler(end -> victimRequestEnded = true);
        request.exceptionHandler(this::recordReset);
        request.response().exceptionHandler(this::recordReset);
        request.fetch(4);
    }

    /** Stops reading the connection's socket altogether (at the relay), until the test resumes it. */
    private void stopReading(HttpServerRequest request) {
        relay.pause();
        request.handler(buffer -> victimRequestBytesReceived.addAndGet(buffer.length()));
        request.endHandler(end -> victimRequestEnded = true);
        request.exceptionHandler(this::recordReset);
        request.response().exceptionHandler(this::recordReset);
    }

    private void recordReset(Throwable e) {
        if (e instanceof StreamResetException reset) {
            victimReset.complete(reset.getCode());
        } else {
            victimReset.completeExceptionally(new AssertionError("the victim's stream ended otherwise", e));
        }
    }

    private static void reply(HttpServerResponse response, String text) {
        response.putHeader("content-type", "application/json").end(REPLY_HEAD + text + REPLY_TAIL);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static GenerationRequest call(String model, String text) {
        return new GenerationRequest(new ModelId(model), Map.of("contents",
                List.of(Map.of("role", "user", "parts", List.of(Map.of("text", text))))));
    }

    private static List<String> okHttpClassesOf(Throwable failure) {
        List<String> classes = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith("okhttp3.internal.http2.")) {
                    classes.add(frame.getClassName());
                }
            }
        }
        return classes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
