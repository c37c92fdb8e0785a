package dev.gemgate.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The benchmark's Java reference path ({@code vertx}): a bare reverse proxy on Vert.x's HTTP server and client, the
 * toolkit Gemgate serves on, doing what nginx's {@code proxy_pass} does and nothing else. Each request is piped to the
 * emulator and its answer piped back as it comes (streams unbuffered), on the event loop that accepted it: no
 * authentication, no JSON, no policy, no second thread. Its throughput says what a Java gateway on this machine can
 * reach before it does any work of its own, so a run's {@code gemgate/vertx} ratio is the cost of the gateway itself
 * and {@code vertx/nginx} the cost of the JVM and toolkit. Started by run.sh, never by tests.
 *
 * <p>{@code java -cp gemgate-bench.jar dev.gemgate.bench.ReferenceProxy <port> <upstream host:port> [event loops]}
 * (event loops: the machine's cores by default, as nginx's {@code worker_processes auto}). Java NIO by default;
 * {@code -Dgemgate.bench.native-transport=true} puts it on Netty's epoll transport where the platform has it.
 */
public final class ReferenceProxy {
    /** Hop-by-hop headers (RFC 9110 section 7.6.1), which a proxy does not forward, nor does nginx. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "host");

    private ReferenceProxy() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ReferenceProxy <port> <upstream host:port> [event loops]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String[] upstream = args[1].split(":", 2);
        int loops = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops)
                .setPreferNativeTransport(Boolean.getBoolean("gemgate.bench.native-transport")));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setDefaultHost(upstream[0]).setDefaultPort(Integer.parseInt(upstream[1])),
                new PoolOptions().setHttp1MaxSize(256)); // nginx's "keepalive 256"
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setAcceptBacklog(4096))
                .requestHandler(request -> forward(client, request))
                .listen()
                .onSuccess(server -> System.out.println("reference proxy on 127.0.0.1:" + server.actualPort()
                        + " -> " + args[1] + ", " + loops + " event loops, "
                        + (vertx.isNativeTransportEnabled() ? "native" : "NIO") + " transport"))
                .onFailure(e -> {
                    System.err.println("reference proxy: " + e);
                    System.exit(1);
                });
    }

    private static void forward(HttpClient client, HttpServerRequest request) {
        request.pause();
        RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri());
        copyEndToEnd(request.headers(), options::addHeader);
        client.request(options)
                .compose(upstream -> send(request, upstream))
                .onSuccess(answer -> {
                    var response = request.response().setStatusCode(answer.statusCode());
                    copyEndToEnd(answer.headers(), response::putHeader);
                    if (!answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                        response.setChunked(true);
                    }
                    answer.pipeTo(response);
                })
                .onFailure(e -> {
                    if (!request.response().headWritten()) {
                        request.response().setStatusCode(502).end();
                    } else {
                        request.connection().close();
                    }
                });
    }

    /** Copies every header but the hop-by-hop ones, as a proxy passes them on in either direction. */
    private static void copyEndToEnd(MultiMap from, BiConsumer<String, String> to) {
        from.forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                to.accept(h.getKey(), h.getValue());
            }
        });
    }

    private static Future<HttpClientResponse> send(HttpServerRequest request, HttpClientRequest upstream) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            upstream.setChunked(true);
        }
        request.resume();
        return upstream.send(request);
    }
}
