package dev.gemgate.adapter.web;

import io.smallrye.mutiny.subscription.MultiEmitter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP side of one streamed response, for a surface's writer: an item is emitted only while the web framework has
 * asked for one (it asks for the next once the previous was written); otherwise the producing (virtual) thread waits,
 * so a client that reads slowly holds back its stream instead of growing a buffer.
 */
public final class StreamEmitter {
    private final MultiEmitter<? super byte[]> emitter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demand = lock.newCondition();

    StreamEmitter(MultiEmitter<? super byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Wakes a waiting producer: the writer asked for more, or the client went away. */
    void wake() {
        lock.lock();
        try {
            demand.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Emits once the writer wants an item; false when the client has gone away. */
    public boolean emit(byte[] item) {
        lock.lock();
        try {
            while (emitter.requested() == 0 && !emitter.isCancelled()) {
                demand.await(1, TimeUnit.SECONDS);
            }
            if (emitter.isCancelled()) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
        emitter.emit(item);
        return !emitter.isCancelled();
    }

    /** Ends the response normally. */
    public void complete() {
        emitter.complete();
    }

    /** Fails the response: before the first item, an ordinary error response through the exception mappers. */
    void fail(Throwable failure) {
        emitter.fail(failure);
    }

    /** {@code a}, {@code b} and {@code c} in one array: one item, one write. */
    public static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
