package dev.gemgate.adapter.gemini;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call made from a request's context (as Quarkus carries it to the virtual thread serving the request) travels on
 * a connection of that context's event loop, so that its answer does not cross from another loop.
 */
class VertxTransportLoopsTest {
    private static final int LOOPS = 4;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void each_event_loop_s_calls_use_connections_of_their_own() throws Exception {
        // which callers each upstream connection (the client's port) carried
        Map<Integer, Set<String>> callersByConnection = new ConcurrentHashMap<>();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            callersByConnection.computeIfAbsent(request.remoteAddress().port(), port -> ConcurrentHashMap.newKeySet())
                    .add(request.getHeader("x-caller"));
            request.response().putHeader("content-type", "application/json").end("{}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<ContextInternal> contexts = new ArrayList<>();
        for (int i = 0; i < LOOPS; i++) {
            contexts.add(((VertxInternal) vertx).createEventLoopContext());
        }
        assertThat(contexts.stream().map(ContextInternal::nettyEventLoop).distinct()).hasSize(LOOPS);

        try (VertxTransport transport = new VertxTransport(vertx, List.of());
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> {
                for (int round = 0; round < 20; round++) {
                    for (int caller = 0; caller < LOOPS; caller++) {
                        Request request = new Request.Builder()
                                .url("http://127.0.0.1:" + server.actualPort() + "/v1beta/models/m:generateContent")
                                .header("x-caller", Integer.toString(caller))
                                .post(RequestBody.create("{}", MediaType.get("application/json"))).build();
                        contexts.get(caller).dispatch(() -> {
                            try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(10))) {
                                VertxTransport.Reply reply = transport.exchange(request,
                                        "{}".getBytes(StandardCharsets.UTF_8), guard);
                                assertThat(reply.status()).isEqualTo(200);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                    }
                }
                return null;
            }).get(60, TimeUnit.SECONDS);
        }

        assertThat(callersByConnection).isNotEmpty();
        assertThat(callersByConnection.values()).allSatisfy(callers -> assertThat(callers).hasSize(1));
    }
}
