package dev.gemgate.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * What became of the streams ({@code streamGenerateContent}) the emulator wrote: a count per {@link End} and a record
 * of each stream that did not end {@link End#COMPLETED} (the last {@value #CAPACITY}, oldest first). Always on (it
 * keeps no bodies). A test that makes a client disconnect mid-stream waits for the record with
 * {@link #awaitClientCut(Duration)}.
 *
 * <p>A stream that was still being written when the log was {@link #clear() cleared} (or the emulator
 * {@link GeminiEmulator#reset() reset}) is neither recorded nor counted when it ends, so one test's leftovers do not
 * show up in the next test's log.
 */
public final class StreamLog {

    /** How many records are kept (the most recent ones). */
    public static final int CAPACITY = 10_000;

    /** How a stream ended. */
    public enum End {
        /** Every chunk was written and the response ended normally. */
        COMPLETED,
        /**
         * Writing failed: the client closed or reset the connection while the stream was still being written. The
         * kernel usually accepts one more write into a connection the client has closed, so a client that read k chunks
         * and then closed shows {@code chunksWritten} k or k+1.
         */
        CLIENT_CUT,
        /** A {@link FaultPlan.Type#CUT_STREAM} fault dropped the connection. */
        FAULT_CUT,
        /** A {@link FaultPlan.Type#STREAM_ERROR} fault wrote its error event and ended the response. */
        ERROR_EVENT,
        /** The emulator closed while the stream was waiting (a chunk delay or a stall); the connection was dropped. */
        EMULATOR_CLOSED
    }

    /**
     * One stream that did not complete.
     *
     * @param model         the model id (without {@code models/})
     * @param sse           {@code ?alt=sse} (else the JSON-array form)
     * @param responseId    the {@code responseId} of its chunks (the same request gives the same id)
     * @param chunksWritten the chunks (GenerateContentResponse elements) written and flushed before the end; an error
     *                      event is not counted
     * @param chunksPlanned the chunks the whole reply has
     * @param end           how it ended
     * @param startedAt     when its headers were sent
     * @param endedAt       when it ended
     */
    public record Record(String model, boolean sse, String responseId, int chunksWritten, int chunksPlanned, End end,
                         Instant startedAt, Instant endedAt) {

        /** Whether the client went away while the stream was being written. */
        public boolean clientCut() {
            return end == End.CLIENT_CUT;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Record> records = new ArrayDeque<>();
    private final Map<End, Long> counts = new EnumMap<>(End.class);
    private long epoch;
    private int inProgress;

    StreamLog() {
    }

    /** The streams that did not complete, oldest first. */
    public List<Record> records() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** The streams the client cut, oldest first. */
    public List<Record> clientCuts() {
        return records().stream().filter(Record::clientCut).toList();
    }

    /** How many streams ended that way since the start or the last {@link #clear()}. */
    public long count(End end) {
        lock.lock();
        try {
            return counts.getOrDefault(Objects.requireNonNull(end, "end"), 0L);
        } finally {
            lock.unlock();
        }
    }

    /** How many streams were written whole. */
    public long completed() {
        return count(End.COMPLETED);
    }

    /** The counts of every {@link End}, zeros included. */
    public Map<End, Long> counts() {
        lock.lock();
        try {
            Map<End, Long> out = new EnumMap<>(End.class);
            for (End end : End.values()) {
                out.put(end, counts.getOrDefault(end, 0L));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** How many streams are being written right now (headers sent, not ended; stalled ones included). */
    public int inProgress() {
        lock.lock();
        try {
            return inProgress;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The oldest record matching {@code match}, waiting up to {@code timeout} for one to be added.
     *
     * @throws IllegalStateException when none came within the timeout (the message lists the records there are)
     */
    public Record await(Predicate<Record> match, Duration timeout) {
        Objects.requireNonNull(match, "match");
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (Record r : records) {
                    if (match.test(r)) {
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no matching stream record within " + timeout + "; the stream log has "
                            + records + " and counts " + counts);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a stream record", e);
        } finally {
            lock.unlock();
        }
    }

    /** The oldest stream the client cut, waiting up to {@code timeout} for one. */
    public Record awaitClientCut(Duration timeout) {
        return await(Record::clientCut, timeout);
    }

    /**
     * Waits up to {@code timeout} until {@link #count(End) count(end)} is at least {@code atLeast}.
     *
     * @throws IllegalStateException when it is not reached in time
     */
    public void awaitCount(End end, long atLeast, Duration timeout) {
        Objects.requireNonNull(end, "end");
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (counts.getOrDefault(end, 0L) < atLeast) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("stream count " + end + " is " + counts.getOrDefault(end, 0L)
                            + ", not " + atLeast + ", after " + timeout);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for stream count " + end, e);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the records and counts; streams in progress now will not be recorded when they end. */
    public void clear() {
        lock.lock();
        try {
            records.clear();
            counts.clear();
            epoch++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Starts tracking one stream whose headers are being sent. */
    Tracker begin(String model, boolean sse, String responseId, int chunksPlanned) {
        lock.lock();
        try {
            inProgress++;
            return new Tracker(model, sse, responseId, chunksPlanned, epoch, Instant.now());
        } finally {
            lock.unlock();
        }
    }

    private void ended(Tracker t, End end) {
        Instant now = Instant.now();
        lock.lock();
        try {
            inProgress--;
            if (t.epoch == epoch) {
                counts.merge(end, 1L, Long::sum);
                if (end != End.COMPLETED) {
                    records.addLast(new Record(t.model, t.sse, t.responseId, t.chunksWritten, t.chunksPlanned, end,
                            t.startedAt, now));
                    while (records.size() > CAPACITY) {
                        records.removeFirst();
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One stream being written; used by its own request thread only. */
    final class Tracker {
        private final String model;
        private final boolean sse;
        private final String responseId;
        private final int chunksPlanned;
        private final long epoch;
        private final Instant startedAt;
        private int chunksWritten;
        private boolean ended;

        private Tracker(String model, boolean sse, String responseId, int chunksPlanned, long epoch, Instant startedAt) {
            this.model = model;
            this.sse = sse;
            this.responseId = responseId;
            this.chunksPlanned = chunksPlanned;
            this.epoch = epoch;
            this.startedAt = startedAt;
        }

        void chunkWritten() {
            chunksWritten++;
        }

        int chunksWritten() {
            return chunksWritten;
        }

        /** Records the end; only the first call counts. */
        void end(End end) {
            if (!ended) {
                ended = true;
                ended(this, end);
            }
        }
    }

    @Override
    public String toString() {
        return "StreamLog" + new ArrayList<>(counts().entrySet());
    }
}
