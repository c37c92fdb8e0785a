package dev.gemgate.adapter.web;

import io.smallrye.mutiny.subscription.MultiEmitter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream written by the REST layer: an item is emitted only while the framework has asked for one (it asks for the
 * next once the previous was written).
 */
final class MultiStreamEmitter extends StreamEmitter {
    private final MultiEmitter<? super byte[]> emitter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demand = lock.newCondition();

    MultiStreamEmitter(MultiEmitter<? super byte[]> emitter) {
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

    @Override
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

    @Override
    public void complete() {
        emitter.complete();
    }

    /** Fails the response: before the first item, an ordinary error response through the exception mappers. */
    void fail(Throwable failure) {
        emitter.fail(failure);
    }
}
