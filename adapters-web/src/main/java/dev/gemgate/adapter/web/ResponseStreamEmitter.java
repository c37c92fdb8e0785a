package dev.gemgate.adapter.web;

import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream written by a route ({@link TenantRoute}) straight onto the Vert.x response, with what the REST layer's
 * {@link StreamedResponse} sends: status 200 and the headers (the fixed ones, then the admission's
 * {@code x-ratelimit-*}) with the first item, then the items, chunked. A client that goes away cancels the upstream
 * call. Nothing is written before the first item, so a failure before it is still the route's ordinary refusal
 * ({@link #started}).
 *
 * <p>Flow control: it is {@link #nonBlocking}, so the upstream's event loop writes each item as it arrives (no thread
 * between the upstream's bytes and the client's) and, while the connection's write queue is full, reads no more of the
 * upstream until it drains ({@link #holdUntilReady}). Called from any other thread, an item waits while the queue is
 * full.
 */
public final class ResponseStreamEmitter extends StreamEmitter {
    private final HttpServerResponse response;
    private final Map<String, String> headers;
    private final AtomicReference<RateLimitStatus> rateLimits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private volatile boolean gone;
    /** What to run when the write queue drains ({@link #holdUntilReady}), once. */
    private final AtomicReference<Runnable> whenDrained = new AtomicReference<>();
    private boolean started;

    /** {@code headers} and {@code rateLimits} are read when the first item is written. */
    public ResponseStreamEmitter(HttpServerResponse response, Map<String, String> headers,
                                 AtomicReference<RateLimitStatus> rateLimits, Cancellation cancellation) {
        this.response = response;
        this.headers = headers;
        this.rateLimits = rateLimits;
        response.closeHandler(ignored -> {
            gone = true;
            cancellation.cancel();
            wake();
        });
        response.drainHandler(ignored -> {
            Runnable ready = whenDrained.getAndSet(null);
            if (ready != null) {
                ready.run();
            }
            wake();
        });
    }

    /** Whether the response is under way: after that a failure can only be written in the stream's own framing. */
    public boolean started() {
        return started;
    }

    @Override
    public boolean emit(byte[] item) {
        if (!started) {
            if (gone || response.closed()) {
                return false;
            }
            response.setStatusCode(200).setChunked(true);
            synchronized (headers) {
                headers.forEach(response::putHeader);
            }
            RateLimitHeaders.of(rateLimits.get()).forEach(response::putHeader);
            started = true;
        }
        if (!Context.isOnEventLoopThread() && !awaitRoom()) {
            return false;
        }
        if (gone || response.closed()) {
            return false;
        }
        response.write(Buffer.buffer(item));
        return !gone;
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public boolean holdUntilReady(Runnable ready) {
        if (!response.writeQueueFull() || gone || response.closed()) {
            return false;
        }
        whenDrained.set(ready);
        if (!response.writeQueueFull()) { // drained meanwhile (from another thread): the handler may have missed it
            Runnable mine = whenDrained.getAndSet(null);
            if (mine != null) {
                mine.run();
            }
        }
        return true;
    }

    /** Waits while the write queue is full; false if interrupted. */
    private boolean awaitRoom() {
        lock.lock();
        try {
            while (response.writeQueueFull() && !gone && !response.closed()) {
                drained.await(1, TimeUnit.SECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete() {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    /** A failure after the first item that the stream could not write in its own framing: the connection is cut. */
    public void abort() {
        if (!response.ended() && !response.closed()) {
            response.reset();
        }
    }

    private void wake() {
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
