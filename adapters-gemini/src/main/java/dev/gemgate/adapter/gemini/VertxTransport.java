package dev.gemgate.adapter.gemini;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.tracing.TracingPolicy;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sends the raw calls the SDK has built ({@link RawRequests#head}) with Vert.x's HTTP client ({@link
 * GenAiSettings.Transport#VERTX}). The calling thread (a virtual thread) waits for the whole answer; the exchange itself
 * runs on the Vert.x event loops, with no thread and no process-wide lock of its own: OkHttp's call path took a global
 * lock twice per call (okio's timeout list, its task runner when a connection goes back to the pool), about a sixth of
 * the CPU at 64 concurrent calls in {@code infra/bench}.
 *
 * <p>What the SDK's OkHttp client would add to the request, this adds too: the body's content type, its length, and
 * {@code Accept-Encoding} (an answer in gzip or deflate is decompressed). An answer that is not a 2xx becomes a
 * {@code Response} for the SDK's own error mapping ({@code ApiException.throwFromResponse}), so both transports raise
 * the same exceptions. A transport failure is an {@link IOException}, as OkHttp's are.
 *
 * <p>Deadlines and cancels: the exchange is attached to the call's {@link UpstreamCallGuard}, whose firing resets it (an
 * HTTP/2 stream's RST_STREAM; an HTTP/1.1 connection is closed) and fails the wait at once.
 */
final class VertxTransport implements AutoCloseable {
    /** Connections to one upstream host at once over HTTP/1.1: each call in flight holds one (5,000 in flight pass). */
    static final int MAX_HTTP1_CONNECTIONS = 10_000;
    /** HTTP/2 connections to one upstream host; each carries as many streams as the server allows (Google: 100). */
    static final int MAX_HTTP2_CONNECTIONS = 128;
    /** RST_STREAM's CANCEL, as OkHttp resets a cancelled HTTP/2 call (HTTP/1.1: the connection is closed). */
    private static final long CANCEL = 0x8;
    /** Idle connections are closed after this (OkHttp's pool kept them 5 minutes too). */
    static final int KEEP_ALIVE_SECONDS = 300;

    /**
     * What came back: a status, its reason phrase and the body's bytes ({@code Retry-After} goes to the call's guard,
     * where UpstreamErrors reads it for either transport).
     */
    record Reply(int status, String statusMessage, byte[] body, boolean http2) {
        boolean successful() {
            return status >= 200 && status < 300;
        }

        /** The answer as an OkHttp response, for the SDK's error mapping. */
        Response asOkHttp(Request request) {
            return new Response.Builder().request(request).protocol(http2 ? Protocol.HTTP_2 : Protocol.HTTP_1_1)
                    .code(status).message(statusMessage == null ? "" : statusMessage)
                    .body(ResponseBody.create(body, MediaType.get("application/json; charset=utf-8"))).build();
        }
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    /** {@code http} base URLs (the emulator, a local proxy): HTTP/1.1. */
    private final HttpClient plain;
    /** {@code https} (Google): HTTP/2 by ALPN, HTTP/1.1 if the server offers only that. */
    private final HttpClient tls;

    /**
     * @param vertx                    the Vert.x instance whose event loops carry the calls (the server's); null: one of
     *                                 the transport's own, closed with it
     * @param extraTrustedCertificates CAs trusted besides the JDK's own ({@link GenAiSettings#extraTrustedCertificates})
     */
    VertxTransport(Vertx vertx, List<X509Certificate> extraTrustedCertificates) {
        this.ownsVertx = vertx == null;
        this.vertx = vertx != null ? vertx : Vertx.vertx(new VertxOptions().setEventLoopPoolSize(
                Math.max(2, Runtime.getRuntime().availableProcessors())));
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(MAX_HTTP1_CONNECTIONS)
                .setHttp2MaxSize(MAX_HTTP2_CONNECTIONS);
        this.plain = this.vertx.createHttpClient(options().setProtocolVersion(HttpVersion.HTTP_1_1), pool);
        HttpClientOptions secure = options().setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)).setVerifyHost(true);
        if (!extraTrustedCertificates.isEmpty()) {
            secure.setTrustOptions(TrustOptions.wrap(
                    UpstreamTrust.jdkDefaultPlus(extraTrustedCertificates).trustManager()));
        }
        this.tls = this.vertx.createHttpClient(secure, pool);
    }

    private static HttpClientOptions options() {
        // no idle or read timeout: a generation may take minutes before its first byte; the guard is the deadline.
        // Not traced by the server's tracer (Quarkus's, on the application's Vert.x): the gateway's own spans say what
        // the upstream call did, as with the SDK's client, and a client span per call costed 6% of the CPU.
        return new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(0)
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS).setHttp2KeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setDecompressionSupported(true).setName("gemgate-upstream");
    }

    /**
     * Sends {@code request} (its head, as the SDK built it) with {@code body}, its content, and waits for the whole
     * answer. The exchange is attached to {@code guard} first: its deadline or cancel stops it.
     *
     * @throws IOException the exchange failed or was stopped before the whole answer arrived
     */
    Reply exchange(Request request, byte[] body, UpstreamCallGuard guard) throws IOException {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        Exchange exchange = new Exchange(result);
        guard.attach(exchange::cancel);
        if (!result.isDone()) {
            send(request, body, guard, result, exchange::started, response -> readWhole(response, result));
        }
        return await(result, exchange::cancel);
    }

    /**
     * Opens {@code request} (its head, as the SDK built it) on the client for its scheme, sends {@code body} and hands
     * the answer to {@code answered} on the event loop once its head has come. A failure on the way completes
     * {@code result}. {@code started} is asked once the request is open: false when the exchange was stopped meanwhile
     * (it has reset the request).
     */
    private void send(Request request, byte[] body, UpstreamCallGuard guard, CompletableFuture<Reply> result,
                      Predicate<HttpClientRequest> started, Consumer<HttpClientResponse> answered) {
        RequestOptions options = target(request.url()).setMethod(HttpMethod.valueOf(request.method()));
        request.headers().forEach(header -> options.addHeader(header.getFirst(), header.getSecond()));
        RequestBody requestBody = request.body();
        if (requestBody != null && requestBody.contentType() != null) {
            // the body's type wins over a Content-Type header, as OkHttp sends it (application/json; charset=utf-8)
            options.putHeader(HttpHeaders.CONTENT_TYPE, requestBody.contentType().toString());
        }
        HttpClient client = request.isHttps() ? tls : plain;
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                result.completeExceptionally(opened.cause());
                return;
            }
            HttpClientRequest sent = opened.result();
            if (!started.test(sent)) {
                return; // stopped while the connection was being found
            }
            sent.send(Buffer.buffer(body)).onComplete(reply -> {
                if (reply.failed()) {
                    result.completeExceptionally(reply.cause());
                    return;
                }
                HttpClientResponse response = reply.result();
                guard.answered(response.statusCode(), response.getHeader("Retry-After"));
                answered.accept(response);
            });
        });
    }

    /** Reads the whole answer into {@code result}. */
    private static void readWhole(HttpClientResponse response, CompletableFuture<Reply> result) {
        response.body().onComplete(read -> {
            if (read.failed()) {
                result.completeExceptionally(read.cause());
            } else {
                result.complete(new Reply(response.statusCode(), response.statusMessage(), read.result().getBytes(),
                        response.version() == HttpVersion.HTTP_2));
            }
        });
    }

    /** Where a streamed 2xx answer's body goes, on the event loop that reads it ({@link #stream}). */
    interface BodyStream {
        /** The next bytes of the body. A throw stops the exchange, and {@link #stream} rethrows it. */
        void onBytes(Buffer bytes, Flow flow);

        /** The whole body has arrived (not called once the exchange was stopped). */
        void onEnd(Flow flow);
    }

    /** Flow control of one streamed answer, for its {@link BodyStream}. */
    interface Flow {
        /** Reads no more of the body until {@link #resume}; bytes already read are still handed over. */
        void pause();

        /** Reads on; safe from any thread. */
        void resume();

        /** Ends the exchange here, as a normal end (the request is reset): {@link #stream} returns. */
        void stop();
    }

    /**
     * Sends {@code request} with {@code body} and hands a 2xx answer's body to {@code consumer} as it arrives, on the
     * event loop that reads it: no thread between the upstream's bytes and the consumer. The calling thread waits until
     * the body has ended, the consumer stopped it or threw, or the guard stopped the exchange.
     *
     * @return null once a 2xx answer has ended (or was stopped by its consumer); else the error answer, whole
     * @throws IOException the exchange failed or the guard stopped it
     */
    Reply stream(Request request, byte[] body, UpstreamCallGuard guard, BodyStream consumer) throws IOException {
        StreamedExchange exchange = new StreamedExchange();
        CompletableFuture<Reply> result = exchange.result;
        guard.attach(exchange::cancel);
        if (!result.isDone()) {
            send(request, body, guard, result, exchange::started, response -> {
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    readWhole(response, result);
                } else {
                    exchange.consume(response, guard, consumer);
                }
            });
        }
        return await(result, exchange::cancel);
    }

    /** A streamed exchange's consumer threw: carried to the waiting thread as it is. */
    private static final class ConsumerFailure extends RuntimeException {
        ConsumerFailure(Throwable cause) {
            super(cause);
        }
    }

    /**
     * One streamed exchange's state. Its result is completed, and its consumer called, only on the event loop once the
     * request is open (a cancel from another thread goes through the loop too), so the consumer is never called after
     * the waiting thread has gone on.
     */
    private static final class StreamedExchange extends Exchange implements Flow {
        /** The event loop the request is open on; set with the request, under the exchange's lock. */
        private io.vertx.core.Context context;
        /** Set on the event loop before the first byte is handed over. */
        private HttpClientResponse response;

        StreamedExchange() {
            super(new CompletableFuture<>());
        }

        /** Called on the event loop the request was opened on, which is then where the exchange ends. */
        @Override
        synchronized boolean started(HttpClientRequest opened) {
            if (!super.started(opened)) {
                return false;
            }
            context = Vertx.currentContext();
            return true;
        }

        /** Hands a 2xx answer's body to {@code consumer} as it arrives, on the event loop, until it ends or stops. */
        void consume(HttpClientResponse answer, UpstreamCallGuard guard, BodyStream consumer) {
            response = answer;
            answer.exceptionHandler(result::completeExceptionally);
            answer.handler(bytes -> {
                if (result.isDone()) {
                    return;
                }
                guard.touch();
                try {
                    consumer.onBytes(bytes, this);
                } catch (RuntimeException | Error e) {
                    abort(e);
                }
            });
            answer.endHandler(ignored -> {
                if (result.isDone()) {
                    return;
                }
                try {
                    consumer.onEnd(this);
                    result.complete(null);
                } catch (RuntimeException | Error e) {
                    abort(e);
                }
            });
        }

        /** On the request's event loop, so that no byte is handed over after the wait has ended. */
        @Override
        void stopOpen(HttpClientRequest open) {
            context.runOnContext(ignored -> super.stopOpen(open));
        }

        /** The consumer threw (on the event loop). */
        void abort(Throwable failure) {
            result.completeExceptionally(new ConsumerFailure(failure));
            request.reset(CANCEL);
        }

        @Override
        public void pause() {
            response.pause();
        }

        @Override
        public void resume() {
            context.runOnContext(ignored -> {
                if (!result.isDone()) {
                    response.resume();
                }
            });
        }

        @Override
        public void stop() {
            if (result.complete(null)) {
                request.reset(CANCEL);
            }
        }
    }

    /**
     * Where {@code url} points, from the parts OkHttp already parsed: {@code setAbsoluteURI} would format the URL and
     * parse it again on every call (about 1% of a request's CPU in issue 21's profile 7). An IPv6 literal still goes
     * through it, which writes its brackets.
     */
    static RequestOptions target(HttpUrl url) {
        if (url.host().indexOf(':') >= 0) {
            return new RequestOptions().setAbsoluteURI(url.toString());
        }
        String query = url.encodedQuery();
        return new RequestOptions().setSsl(url.isHttps()).setHost(url.host()).setPort(url.port())
                .setURI(query == null ? url.encodedPath() : url.encodedPath() + '?' + query);
    }

    /** Waits for {@code result}; a stream's consumer's own failure is rethrown as it is. */
    private static Reply await(CompletableFuture<Reply> result, Runnable cancel) throws IOException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConsumerFailure failure) {
                if (failure.getCause() instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("the upstream exchange failed: " + cause, cause);
        } catch (InterruptedException e) {
            cancel.run();
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for the upstream");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** One exchange's state between the calling thread, the event loop and the guard's cancel. */
    private static class Exchange {
        final CompletableFuture<Reply> result;
        /** Guarded by this; once set, also read on the event loop that set it. */
        HttpClientRequest request;
        private boolean cancelled;

        Exchange(CompletableFuture<Reply> result) {
            this.result = result;
        }

        /** The request is open; false (and it is reset) if the exchange was cancelled meanwhile. */
        synchronized boolean started(HttpClientRequest opened) {
            if (cancelled) {
                opened.reset(CANCEL);
                return false;
            }
            request = opened;
            return true;
        }

        /** The guard fired (any thread). */
        final void cancel() {
            HttpClientRequest open;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                open = request;
            }
            if (open == null) {
                result.completeExceptionally(new IOException("Canceled"));
            } else {
                stopOpen(open);
            }
        }

        /** A cancel with the request open: the wait fails, and the request is reset. */
        void stopOpen(HttpClientRequest open) {
            result.completeExceptionally(new IOException("Canceled"));
            open.reset(CANCEL);
        }
    }

    @Override
    public void close() {
        plain.close();
        tls.close();
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort on shutdown: its threads are daemons
            }
        }
    }
}
