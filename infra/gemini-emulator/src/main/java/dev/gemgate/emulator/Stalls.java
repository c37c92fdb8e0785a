package dev.gemgate.emulator;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where {@link FaultPlan.Type#STALL_STREAM stalled streams} wait: parked on a lock condition (a virtual thread parks
 * without holding its carrier), until {@link #resume()}, {@link #drop()} or {@link #close()}.
 */
final class Stalls {

    /** How a stall ended. */
    enum Outcome { RESUMED, DROPPED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long resumes;
    private long drops;
    private boolean closed;
    private int stalled;

    /** Parks the calling stream until it is resumed, dropped or the emulator closes. */
    Outcome await() {
        lock.lock();
        try {
            long resumesAtStart = resumes;
            long dropsAtStart = drops;
            stalled++;
            changed.signalAll();
            try {
                while (!closed && drops == dropsAtStart && resumes == resumesAtStart) {
                    changed.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.DROPPED;
            } finally {
                stalled--;
            }
            return closed || drops != dropsAtStart ? Outcome.DROPPED : Outcome.RESUMED;
        } finally {
            lock.unlock();
        }
    }

    /** Lets every stream stalled now go on; returns how many there were. */
    int resume() {
        return wake(true);
    }

    /** Drops every stream stalled now; returns how many there were. */
    int drop() {
        return wake(false);
    }

    private int wake(boolean resume) {
        lock.lock();
        try {
            if (resume) {
                resumes++;
            } else {
                drops++;
            }
            changed.signalAll();
            return stalled;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int stalled() {
        lock.lock();
        try {
            return stalled;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code count} streams are stalled; false when the timeout passed first. */
    boolean awaitStalled(int count, Duration timeout) {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (stalled < count) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
