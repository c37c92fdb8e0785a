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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * {@link GenAiSettings#extraTrustedCertificates()}, and a small per-stream flow-control window, so a request body the
 * server does not read keeps its client blocked writing frames. Nothing here is timed by sleeping: the server holds
 * the calls beside the victim in flight until it has seen the victim's stream reset.
 */
class SharedHttp2DeadlineTest {
    private static final Duration VICTIM_DEADLINE = Duration.ofMillis(400);
    private static final Duration PATIENT = Duration.ofSeconds(30);
    private static final int STREAM_WINDOW = 16 * 1024;
    private static final int HELD_REPLY_CHARS = 256 * 1024;
    private static final int TRICKLE_BODY_CHARS = 2 * 1024 * 1024;
    private static final int VICTIM_UPLOAD_CHARS = 4 * 1024 * 1024;
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
    private final CountDownLatch othersInFlight = new CountDownLatch(HELD + TRICKLING);
    private final AtomicLong victimResponseBytesSent = new AtomicLong();
    private final AtomicLong victimRequestBytesReceived = new AtomicLong();
    private volatile boolean victimRequestEnded;

    @BeforeAll
    static void issueCertificate() {
        certificate = new HeldCertificate.Builder().commonName("localhost").addSubjectAlternativeName("localhost")
                .build();
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(certificate.certificatePem()))
                        .setKeyValue(Buffer.buffer(certificate.privateKeyPkcs8Pem())))
                .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW))
                // the connection's window is no bottleneck: only the stream the server does not read is held back
                .setHttp2ConnectionWindowSize(64 * 1024 * 1024);
        HttpServer server = vertx.createHttpServer(options)
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        adapter = new GenAiGenerationAdapter(GenAiSettings.defaults()
                .withExtraTrustedCertificates(List.of(certificate.certificate())));
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("h2"), "h2-test-key",
                Optional.of("https://localhost:" + server.actualPort()));
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        adapter.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallPastItsDeadlineWhileReadingFramesIsResetAloneAndTheConnectionServesTheOthers() throws Exception {
        UpstreamException victim = victimBesideOthers(call("slow-download", "hi"));

        assertThat(victim.kind()).isEqualTo(Kind.TIMEOUT);
        // cancelled in the middle of the response body: the thread was waiting for DATA frames of its stream
        assertThat(okHttpClassesOf(victim)).contains("okhttp3.internal.http2.Http2Stream$FramingSource");
        assertThat(victimResponseBytesSent.get()).isGreaterThan(REPLY_HEAD.length());
    }

    @Test
    void aCallPastItsDeadlineWhileWritingFramesIsResetAloneAndTheConnectionServesTheOthers() throws Exception {
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
        assertThat(adapter.generate(call("quick", "warm up"), credential, PATIENT).text()).isEqualTo("ok");
        List<Future<GenerationResponse>> held = new ArrayList<>();
        for (int i = 0; i < HELD; i++) {
            GenerationRequest hold = call("held", "hold " + i);
            held.add(threads.submit(() -> adapter.generate(hold, credential, PATIENT)));
        }
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
