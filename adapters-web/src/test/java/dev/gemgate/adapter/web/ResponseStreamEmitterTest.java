package dev.gemgate.adapter.web;

import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's stream emitter on a real Vert.x server, with a client that does not read: on the event loop it never
 * waits, and tells the caller to hold until the client has read ({@link ResponseStreamEmitter#holdUntilReady}); off the
 * loop it waits in {@code emit} while the write queue is full. A client that goes away cancels the call.
 */
class ResponseStreamEmitterTest {
    private static final byte[] ITEM = new byte[16 * 1024];
    /** 16 MB: far more than the write queue and the (small) socket buffers hold. */
    private static final int ITEMS = 1000;

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicReference<Consumer<HttpServerResponse>> HANDLER = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(32 * 1024)).requestHandler(request -> {
            request.response().setWriteQueueMaxSize(32 * 1024);
            HANDLER.get().accept(request.response());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void onTheEventLoopItNeverWaitsItHoldsWhileTheClientDoesNotReadAndReadyResumesIt() throws Exception {
        AtomicInteger emitted = new AtomicInteger();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger readied = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        HANDLER.set(response -> new Runnable() {
            final ResponseStreamEmitter emitter = emitter(response, new Cancellation());

            @Override
            public void run() { // on the event loop every time: the handler, then each ready
                while (emitted.get() < ITEMS) {
                    emitter.emit(ITEM);
                    emitted.incrementAndGet();
                    if (emitter.holdUntilReady(() -> {
                        readied.incrementAndGet();
                        vertx.runOnContext(ignored -> run());
                    })) {
                        held.incrementAndGet();
                        return;
                    }
                }
                emitter.complete();
                done.complete(null);
            }
        }.run());
        try (Socket client = request()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do { // until the sender is held and stays held: the queue and the socket buffers are full
                awaitStill(emitted);
            } while (held.get() != readied.get() + 1 && System.nanoTime() < deadline);
            assertThat(emitted.get()).as("held for a client that does not read").isLessThan(ITEMS);
            assertThat(held.get()).as("holding, not yet ready").isEqualTo(readied.get() + 1);

            byte[] all = client.getInputStream().readAllBytes();

            done.get(10, TimeUnit.SECONDS);
            assertThat(emitted.get()).isEqualTo(ITEMS);
            assertThat(readied.get()).isEqualTo(held.get());
            assertThat(all.length).isGreaterThan(ITEMS * ITEM.length);
        }
    }

    /** Waits until {@code counter} has not moved for 300 ms. */
    private static void awaitStill(AtomicInteger counter) throws InterruptedException {
        int before;
        do {
            before = counter.get();
            Thread.sleep(300);
        } while (counter.get() != before);
    }

    @Test
    void aQueueWithRoomHoldsNothing() throws Exception {
        CompletableFuture<Boolean> held = new CompletableFuture<>();
        HANDLER.set(response -> {
            ResponseStreamEmitter emitter = emitter(response, new Cancellation());
            emitter.emit("data: {}\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            held.complete(emitter.holdUntilReady(() -> { }));
            emitter.complete();
        });
        try (Socket client = request()) {
            assertThat(held.get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 200").contains("data: {}").contains("x-test: yes");
        }
    }

    @Test
    void offTheEventLoopEmitWaitsWhileTheQueueIsFull() throws Exception {
        AtomicInteger emitted = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        HANDLER.set(response -> Thread.ofVirtual().start(() -> {
            ResponseStreamEmitter emitter = emitter(response, new Cancellation());
            for (int i = 0; i < ITEMS; i++) {
                emitter.emit(ITEM);
                emitted.incrementAndGet();
            }
            emitter.complete();
            done.complete(null);
        }));
        try (Socket client = request()) {
            awaitStill(emitted);
            assertThat(emitted.get()).as("the sender waits for a client that does not read").isLessThan(ITEMS);

            byte[] all = client.getInputStream().readAllBytes();

            done.get(10, TimeUnit.SECONDS);
            assertThat(emitted.get()).isEqualTo(ITEMS);
            assertThat(all.length).isGreaterThan(ITEMS * ITEM.length);
        }
    }

    @Test
    void aClientThatGoesAwayCancelsTheCallAndEndsEmitting() throws Exception {
        Cancellation cancellation = new Cancellation();
        Map<String, Boolean> results = new ConcurrentHashMap<>();
        CountDownLatch first = new CountDownLatch(1);
        AtomicReference<ResponseStreamEmitter> emitter = new AtomicReference<>();
        HANDLER.set(response -> {
            emitter.set(emitter(response, cancellation));
            results.put("first", emitter.get().emit(ITEM));
            first.countDown();
        });
        Socket client = request();
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        client.close();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cancellation.isCancelled() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(results).containsEntry("first", true);
        assertThat(cancellation.isCancelled()).isTrue();
        CompletableFuture<Boolean> after = new CompletableFuture<>();
        vertx.runOnContext(ignored -> after.complete(emitter.get().emit(ITEM)));
        assertThat(after.get(10, TimeUnit.SECONDS)).isFalse();
    }

    private static ResponseStreamEmitter emitter(HttpServerResponse response, Cancellation cancellation) {
        return new ResponseStreamEmitter(response, Map.of("x-test", "yes"),
                new AtomicReference<>(RateLimitStatus.NONE), cancellation);
    }

    /** A GET on a socket with a small receive buffer, read by the test only when it says so. */
    private static Socket request() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /stream HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }
}
