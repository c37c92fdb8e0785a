package dev.gemgate.adapter.persistence;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for append-only writes, whatever they write: items go into a bounded queue, and one background virtual
 * thread writes them in batches, each batch in one transaction of the {@link BatchSink}. The database sees a few
 * commits per second instead of one per item, and the appending thread waits for nothing (async) or only for the
 * commit of the group its item is in (sync), never for a transaction of its own.
 *
 * <p>What it does, so that a sink only says how a batch is written:
 * <ul>
 *   <li><b>batching</b>: up to {@code batchSize} items, written at the latest {@code maxDelay} after the first of
 *       them was queued; at once if anyone is waiting (a sync append or a flush), taking whatever queued meanwhile:
 *       that is what makes sync appends group commits;</li>
 *   <li><b>retries</b> of a batch that failed ({@code retryBackoff}); a batch refused for its data
 *       ({@link BatchSink#refusesData}) is written item by item, so that one bad item loses only itself;</li>
 *   <li><b>the spool</b> (optional): when the database cannot take a batch, it goes to a local {@link Spool}, forced
 *       to disk once per batch. A second virtual thread, the replayer, writes the spool back into the database,
 *       chunk by chunk, from start-up on (events an earlier run spooled) and whenever the spool holds something;
 *       while the database is down, its replay attempts are the probes (every {@code replayInterval}), so that the
 *       writer never waits for a dead database: it puts batches straight into the spool until a probe succeeds;</li>
 *   <li><b>barriers</b>: {@link #flush} returns once everything appended before it is durable (and replays the
 *       spool if the database takes it);</li>
 *   <li><b>drain on shutdown</b>: {@link #close} writes what is queued before the writer stops; an append that
 *       races with it is stored by the appending call itself;</li>
 *   <li><b>counts</b>: written, lost, spooled, queued, committed batches and lag (age of the oldest item that is not
 *       in the database yet), for the metrics.</li>
 * </ul>
 *
 * <p>A sink must be idempotent (a retried or replayed batch may already have committed: a commit can fail after the
 * server applied it). An item is "lost" only when neither the database nor the spool took it; every loss is counted
 * and logged as a count, never with its content. In async mode a crash loses what was queued and not yet written
 * or spooled; sync mode loses nothing that an append has returned for.
 */
final class GroupCommitWriter<T> {
    private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    /** Writes one batch in one transaction, all or nothing; must be idempotent (see the class comment). */
    interface BatchSink<T> {
        void write(List<T> batch) throws Exception;

        /**
         * The first attempt at a batch of items just appended, none of which can be in the database yet (a retry, a
         * replay or an item written on its own goes through {@link #write}): a sink may skip its idempotence guard
         * here, as the audit log does with PostgreSQL's {@code COPY}. By default, {@link #write}.
         */
        default void writeFresh(List<T> batch) throws Exception {
            write(batch);
        }

        /**
         * True if the failure is the data's fault (retrying the batch cannot help; writing its items one by one
         * can): SQLState classes 22 (data exception) and 23 (integrity constraint violation). Anything else
         * (connection, availability, a missing table) may pass later, so the items are kept.
         */
        default boolean refusesData(Throwable failure) {
            String state = sqlStateOf(failure);
            return state.startsWith("22") || state.startsWith("23");
        }
    }

    /** Where items wait while the database is unavailable. Used under the writer's spool lock, except where noted. */
    interface Spool<T> {
        /** Appends the items; when this returns they are on disk (forced), in this order. */
        void append(List<Stamped<T>> items) throws IOException;

        /** Up to {@code max} of the oldest items not yet acknowledged, and how many unreadable entries were among them. */
        Chunk<T> next(int max) throws IOException;

        /** The chunk is in the database: forget it (and free its storage once all of it is). */
        void acknowledge(Chunk<T> chunk) throws IOException;

        /** True when nothing at all is left, unreadable remains included; safe to read from any thread. */
        boolean isEmpty();

        /** Readable items waiting; safe to read from any thread. */
        long size();

        /** When the oldest waiting item was appended to the writer; safe to read from any thread. */
        Optional<Instant> oldest();

        void close();
    }

    @FunctionalInterface
    interface SpoolFactory<T> {
        Spool<T> open() throws IOException;
    }

    /** An item with the time it was handed to the writer (for the lag). */
    record Stamped<T>(T item, Instant at) {
    }

    /** Items read from a spool; {@code end} is the spool's own position after them, for {@link Spool#acknowledge}. */
    record Chunk<T>(List<Stamped<T>> items, int unreadable, long end) {
    }

    record Settings(String name, int queueCapacity, int batchSize, Duration maxDelay, Duration appendTimeout,
                    Duration drainTimeout, List<Duration> retryBackoff, Duration replayInterval) {
        Settings {
            if (queueCapacity < 1 || batchSize < 1) {
                throw new IllegalArgumentException(name + ": queue capacity and batch size must be positive");
            }
            if (maxDelay.isNegative() || appendTimeout.isNegative() || drainTimeout.isNegative()
                    || retryBackoff.stream().anyMatch(Duration::isNegative)) {
                throw new IllegalArgumentException(name + ": durations cannot be negative");
            }
            if (replayInterval.isNegative() || replayInterval.isZero()) {
                throw new IllegalArgumentException(name + ": the replay interval must be positive");
            }
            retryBackoff = List.copyOf(retryBackoff);
        }
    }

    /** What travels through the queue: an item, or a marker that completes once everything before it is durable. */
    private sealed interface Entry permits Pending, Barrier {
    }

    /** {@code durable} is null for an async append; a sync append waits on it. */
    private record Pending<T>(T item, Instant at, CompletableFuture<Void> durable) implements Entry {
        Stamped<T> stamped() {
            return new Stamped<>(item, at);
        }
    }

    private record Barrier(CompletableFuture<Void> done, boolean stopWriter) implements Entry {
        Barrier(boolean stopWriter) {
            this(new CompletableFuture<>(), stopWriter);
        }
    }

    private final Settings settings;
    private final BatchSink<T> sink;
    private final SpoolFactory<T> spoolFactory;
    private final Clock clock;
    private final LinkedBlockingQueue<Entry> queue;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Held for every use of the spool (it is not thread-safe): by the writer, the replayer and late appends. */
    private final ReentrantLock spoolLock = new ReentrantLock();
    /** Held from reading a chunk of the spool until it is acknowledged: one replay at a time. */
    private final ReentrantLock replayLock = new ReentrantLock();
    /** Held while the queue is drained from outside the writer (after it stopped). */
    private final ReentrantLock directLock = new ReentrantLock();
    /** Wakes the replayer before its interval is over. */
    private final Semaphore nudge = new Semaphore(0);
    private volatile boolean closed;
    private volatile Thread writer;
    /** While the writer sleeps in a batch's window: how many more items fill the batch (see {@link #collect}). */
    private volatile int windowRoom = Integer.MAX_VALUE;
    private volatile Thread replayer;
    private volatile Spool<T> spool;
    private volatile long spooledAtClose;
    private volatile Instant inFlightSince;
    /** The database failed and has not taken a write since; until {@code downUntil} (nanoTime), do not try it. */
    private volatile boolean down;
    private volatile long downUntil;
    private volatile long downSince;

    /** @param spoolFactory null for no spool: what the database cannot take is then counted as lost */
    GroupCommitWriter(Settings settings, BatchSink<T> sink, SpoolFactory<T> spoolFactory, Clock clock) {
        this.settings = settings;
        this.sink = sink;
        this.spoolFactory = spoolFactory;
        this.clock = clock;
        this.queue = new LinkedBlockingQueue<>(settings.queueCapacity());
    }

    /** Opens the spool and starts the writer and the replayer (which first replays what an earlier run spooled). */
    synchronized void start() {
        if (writer != null || closed) {
            return;
        }
        if (spoolFactory != null) {
            try {
                spool = spoolFactory.open();
            } catch (IOException e) {
                throw new UncheckedIOException(settings.name() + ": cannot open the spool: " + e.getMessage(), e);
            }
            if (!spool.isEmpty()) {
                LOG.infof("%s: %d event(s) spooled by an earlier run; replaying them", settings.name(), spool.size());
            }
            replayer = Thread.ofVirtual().name("gemgate-" + settings.name() + "-replayer").start(this::replayLoop);
        }
        writer = Thread.ofVirtual().name("gemgate-" + settings.name() + "-writer").start(this::writeLoop);
    }

    /**
     * Queues the item. Async: returns at once (waits only while the queue is full, up to {@code appendTimeout}, after
     * which the item is counted as lost). Sync ({@code untilDurable}): returns once the item is committed or spooled,
     * and throws if that could not happen within {@code appendTimeout} (a timed-out item stays queued and is still
     * written) or if the item was lost.
     */
    void append(T item, boolean untilDurable) {
        if (writer == null) {
            start();
        }
        long deadline = System.nanoTime() + settings.appendTimeout().toNanos();
        Pending<T> entry = new Pending<>(item, clock.instant(), untilDurable ? new CompletableFuture<>() : null);
        boolean queued = queue.offer(entry);
        if (!queued) {
            try {
                queued = queue.offer(entry, settings.appendTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!queued) {
            String why = "the " + settings.name() + " queue stayed full for " + settings.appendTimeout().toMillis() + " ms";
            countLost(1, why);
            if (untilDurable) {
                throw new IllegalStateException(settings.name() + ": not recorded: " + why);
            }
            return;
        }
        if (untilDurable || queue.size() >= windowRoom) {
            wakeWriter(); // someone waits, or a batch is full: written now, not at the end of the window
        }
        if (closed) {
            // Shutdown began while we were queueing: the writer may already be gone, so store what is left here.
            storeQueuedDirectly();
        }
        if (untilDurable) {
            awaitDurable(entry.durable(), deadline);
        }
    }

    /**
     * Returns once everything appended before this call is committed, spooled or counted as lost, and once the spool
     * is replayed if the database takes it (tried at once, even if it was down a moment ago). Waits at most
     * {@code drainTimeout}.
     */
    void flush() {
        if (closed) {
            storeQueuedDirectly();
            return;
        }
        if (writer == null) {
            start();
        }
        await(new Barrier(false), "flush");
    }

    /**
     * Stores everything queued, stops the writer and the replayer, replays the spool if the database takes it (within
     * {@code drainTimeout}), and closes the spool: what is still in it waits for the next start. Idempotent.
     */
    void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        Thread w = writer;
        if (w != null) {
            await(new Barrier(true), "shutdown");
            join(w, "writer");
        }
        storeQueuedDirectly();
        Thread r = replayer;
        if (r != null) {
            nudge.release();
            join(r, "replayer");
        }
        // What the spool holds would otherwise wait for the next start, on this machine: if the database takes it
        // now, better write it (a container's volume may not outlive this process).
        replayAll(System.nanoTime() + settings.drainTimeout().toNanos());
        spoolLock.lock();
        try {
            Spool<T> s = spool;
            if (s != null) {
                spooledAtClose = s.size();
                spool = null;
                s.close();
            }
        } finally {
            spoolLock.unlock();
        }
        LOG.infof("%s closed: %d written, %d lost since start, %d left in the spool for the next start", settings.name(),
                written.get(), lost.get(), spooledAtClose);
    }

    private void join(Thread thread, String what) {
        try {
            if (!thread.join(settings.drainTimeout())) {
                LOG.errorf("%s %s did not stop within %d ms", settings.name(), what, settings.drainTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Items written to the database (live or replayed from the spool) since start. */
    long writtenCount() {
        return written.get();
    }

    /** Items neither the database nor the spool took, since start: a non-zero value means gaps. */
    long lostCount() {
        return lost.get();
    }

    /** Items waiting in the spool for the database. */
    long spooledCount() {
        Spool<T> s = spool;
        return s == null ? spooledAtClose : s.size();
    }

    /** Items queued in memory, not yet written or spooled. */
    int queuedCount() {
        int n = 0;
        for (Entry e : queue) {
            if (e instanceof Pending) {
                n++;
            }
        }
        return n;
    }

    /** Batches committed to the database (one transaction each). */
    long commitCount() {
        return commits.get();
    }

    /** How long the oldest item that is not in the database yet (queued, being written, or spooled) has waited. */
    Duration lag() {
        Instant oldest = inFlightSince;
        for (Entry e : queue) {
            if (e instanceof Pending<?> p) {
                oldest = earlier(oldest, p.at());
                break;
            }
        }
        Spool<T> s = spool;
        if (s != null) {
            oldest = earlier(oldest, s.oldest().orElse(null));
        }
        if (oldest == null) {
            return Duration.ZERO;
        }
        Duration lag = Duration.between(oldest, clock.instant());
        return lag.isNegative() ? Duration.ZERO : lag;
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private void awaitDurable(CompletableFuture<Void> durable, long deadline) {
        try {
            durable.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(settings.name() + ": interrupted before the event was durable", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(settings.name() + ": the event was not durable within "
                    + settings.appendTimeout().toMillis() + " ms (it stays queued)", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(settings.name() + ": not recorded: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void await(Barrier barrier, String why) {
        Duration timeout = settings.drainTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!queue.offer(barrier, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(settings.name() + " " + why + ": queue stayed full for " + timeout.toMillis() + " ms");
            }
            wakeWriter();
            barrier.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(settings.name() + " " + why + " interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(settings.name() + " " + why + " did not complete within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(settings.name() + " " + why + " failed", e.getCause());
        }
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>(settings.batchSize());
        boolean stop = false;
        while (!stop) {
            try {
                Entry first = queue.poll(IDLE_POLL.toNanos(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    stop = closed;
                    continue;
                }
                batch.add(first);
                collect(batch);
                stop = process(batch, true);
            } catch (InterruptedException e) {
                // Nobody should interrupt the writer; carry on so that queued items are not stranded.
                LOG.warnf("%s writer interrupted; continuing", settings.name());
            } catch (RuntimeException | Error e) {
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Ends the writer's collection window early ({@link #collect}): harmless if it is not in one. */
    private void wakeWriter() {
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Adds to {@code batch} until it is full, a barrier arrives, or {@code maxDelay} has passed since its first entry.
     * Someone waiting (a sync append) ends the collection as soon as the queue is empty: the group of a sync commit is
     * what queued while the previous commit ran.
     *
     * <p>The writer sleeps through the window instead of waiting on the queue: an append to a queue that someone
     * polls wakes that thread, so every item of a batch would wake the writer (and re-arm its timed wait), about two
     * wake-ups per request between the audit and the response cache (issue 21: context switches per request under
     * sequential load). Only what cannot wait wakes it: a sync append, a barrier, an append that fills the batch ({@link #wakeWriter}).
     */
    private void collect(List<Entry> batch) {
        long deadline = System.nanoTime() + settings.maxDelay().toNanos();
        boolean urgent = isUrgent(batch.getFirst());
        while (batch.size() < settings.batchSize() && !(batch.getLast() instanceof Barrier) && !closed) {
            int before = batch.size();
            queue.drainTo(batch, settings.batchSize() - batch.size());
            for (int i = before; i < batch.size(); i++) {
                if (batch.get(i) instanceof Barrier) {
                    return;
                }
                urgent |= isUrgent(batch.get(i));
            }
            long remaining = deadline - System.nanoTime();
            if (batch.size() >= settings.batchSize() || urgent || remaining <= 0) {
                return;
            }
            int room = settings.batchSize() - batch.size();
            windowRoom = room;
            if (queue.size() < room) { // else an append filled the batch before it could see the room
                LockSupport.parkNanos(this, remaining);
            }
            windowRoom = Integer.MAX_VALUE;
            if (Thread.interrupted()) {
                return; // write what we have
            }
        }
    }

    private static boolean isUrgent(Entry entry) {
        return entry instanceof Barrier || entry instanceof Pending<?> p && p.durable() != null;
    }

    /**
     * Stores the items of {@code entries}, then releases its barriers (a flush barrier after replaying the spool, if
     * {@code replayForFlush}); true if one of them stops the writer.
     */
    @SuppressWarnings("unchecked")
    private boolean process(List<Entry> entries, boolean replayForFlush) {
        List<Pending<T>> items = new ArrayList<>(entries.size());
        boolean stop = false;
        boolean flush = false;
        for (Entry entry : entries) {
            switch (entry) {
                case Pending<?> p -> items.add((Pending<T>) p);
                case Barrier b -> {
                    stop |= b.stopWriter();
                    flush |= !b.stopWriter();
                }
            }
        }
        if (!items.isEmpty()) {
            inFlightSince = items.getFirst().at();
            try {
                store(items);
            } finally {
                inFlightSince = null;
            }
        }
        if (flush && !stop && replayForFlush) {
            replayAll(System.nanoTime() + settings.drainTimeout().toNanos());
        }
        for (Entry entry : entries) {
            if (entry instanceof Barrier b) {
                b.done().complete(null);
            }
        }
        return stop;
    }

    private void fail(List<Entry> entries, Throwable failure) {
        // Not an outage (those are handled in store): a bug or a resource exhaustion, worth its stack trace.
        LOG.errorf(failure, "%s writer failed", settings.name());
        List<Pending<T>> items = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry instanceof Pending<?> p && (p.durable() == null || !p.durable().isDone())) {
                @SuppressWarnings("unchecked") Pending<T> item = (Pending<T>) p;
                items.add(item);
            }
        }
        lose(items, "the " + settings.name() + " writer failed (" + failure.getClass().getSimpleName() + ")");
        for (Entry entry : entries) {
            if (entry instanceof Barrier b) {
                b.done().completeExceptionally(failure);
            }
        }
    }

    /** After the writer has stopped: stores what is queued from the calling thread's side. */
    private void storeQueuedDirectly() {
        // On a fresh thread: the caller may be inside a transaction of its own, which the sink must not join.
        Thread direct = Thread.ofVirtual().name("gemgate-" + settings.name() + "-direct").start(() -> {
            directLock.lock();
            try {
                List<Entry> rest = new ArrayList<>();
                queue.drainTo(rest);
                while (!rest.isEmpty()) {
                    for (int from = 0; from < rest.size(); from += settings.batchSize()) {
                        process(rest.subList(from, Math.min(rest.size(), from + settings.batchSize())), false);
                    }
                    rest.clear();
                    queue.drainTo(rest);
                }
            } finally {
                directLock.unlock();
            }
        });
        try {
            direct.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Into the database if it takes them, else into the spool; counted as lost only if neither can. */
    private void store(List<Pending<T>> items) {
        Spool<T> s = spool;
        boolean spooling = s != null;
        if (spooling && leaveTheProbeToTheReplayer(s)) {
            spool(items);
            return;
        }
        // A probe of a database known to be down gets one attempt: the items are safe in the spool either way.
        int attempts = spooling && down ? 1 : 1 + settings.retryBackoff().size();
        Throwable failure = write(items.stream().map(Pending::item).toList(), attempts, true);
        if (failure == null) {
            written.addAndGet(items.size());
            up();
            items.forEach(GroupCommitWriter::completeDurable);
            return;
        }
        if (items.size() > 1 && sink.refusesData(failure)) {
            storeOneByOne(items);
            return;
        }
        if (sink.refusesData(failure)) {
            lose(items, "rejected by the database (SQLState " + sqlStateOf(failure) + ")");
            return;
        }
        down(failure);
        spoolOrLose(items, failure);
    }

    private void storeOneByOne(List<Pending<T>> items) {
        for (int i = 0; i < items.size(); i++) {
            Pending<T> item = items.get(i);
            Throwable failure = write(List.of(item.item()), 1, false);
            if (failure == null) {
                written.incrementAndGet();
                completeDurable(item);
            } else if (sink.refusesData(failure)) {
                lose(List.of(item), "rejected by the database (SQLState " + sqlStateOf(failure) + ")");
            } else {
                down(failure);
                spoolOrLose(items.subList(i, items.size()), failure);
                return;
            }
        }
    }

    private void spoolOrLose(List<Pending<T>> items, Throwable failure) {
        if (spool != null) {
            spool(items);
        } else {
            lose(items, "the database did not accept the batch (SQLState " + sqlStateOf(failure) + ")");
        }
    }

    private void spool(List<Pending<T>> items) {
        spoolLock.lock();
        try {
            Spool<T> s = spool;
            if (s == null) {
                lose(items, "the database is unavailable and the spool is closed");
                return;
            }
            s.append(items.stream().map(Pending::stamped).toList());
        } catch (IOException | RuntimeException e) {
            lose(items, "the database is unavailable and the spool failed (" + e + ")");
            return;
        } finally {
            spoolLock.unlock();
        }
        items.forEach(GroupCommitWriter::completeDurable);
    }

    /**
     * One attempt plus retries; null on success, else the last failure (no retry of a data error). Whatever a sink
     * throws is a failed write (a JDBC driver on a broken connection may even fail an internal assertion), except
     * the JVM running out of resources. The first attempt at a {@code fresh} batch is the sink's
     * {@link BatchSink#writeFresh}; a retry may follow a commit whose outcome was lost, so it is
     * {@link BatchSink#write}.
     */
    private Throwable write(List<T> items, int attempts, boolean fresh) {
        Throwable failure = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            try {
                if (fresh && attempt == 0) {
                    sink.writeFresh(items);
                } else {
                    sink.write(items);
                }
                commits.incrementAndGet();
                return null;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                failure = e;
                if (sink.refusesData(e)) {
                    return e;
                }
                if (attempt + 1 < attempts) {
                    LOG.debugf("%s batch of %d failed (attempt %d), retrying: SQLState %s", settings.name(),
                            items.size(), attempt + 1, sqlStateOf(e));
                    sleep(settings.retryBackoff().get(attempt));
                }
            }
        }
        return failure;
    }

    /**
     * The replayer: while the spool holds something, writes it back chunk by chunk; after a failed attempt (the
     * database is still down) it waits {@code replayInterval}. Its attempts are the probes that tell the writer the
     * database is back.
     */
    private void replayLoop() {
        while (!closed) {
            Spool<T> s = spool;
            if (s == null) {
                return;
            }
            boolean progressed = false;
            if (!s.isEmpty()) {
                replayLock.lock();
                try {
                    progressed = replayOne(s);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s replay failed", settings.name());
                } finally {
                    replayLock.unlock();
                }
            }
            if (!progressed) {
                try {
                    if (nudge.tryAcquire(settings.replayInterval().toNanos(), TimeUnit.NANOSECONDS)) {
                        nudge.drainPermits();
                    }
                } catch (InterruptedException e) {
                    LOG.warnf("%s replayer interrupted; continuing", settings.name());
                }
            }
        }
    }

    /**
     * For a flush and on close: tries the database now, even if it was down a moment ago, and replays what it takes
     * until {@code deadline} (nanoTime).
     */
    private void replayAll(long deadline) {
        Spool<T> s = spool;
        if (s == null) {
            return;
        }
        replayLock.lock();
        try {
            while (!s.isEmpty() && System.nanoTime() - deadline < 0) {
                if (!replayOne(s)) {
                    return;
                }
            }
        } finally {
            replayLock.unlock();
        }
    }

    /**
     * Writes the next chunk of the spool (the caller holds the replay lock); true if it is done with: written, or
     * refused for its data. A chunk is acknowledged only once all of it is written, so a failure half-way writes
     * some of it again later, which the idempotent sink ignores.
     */
    private boolean replayOne(Spool<T> s) {
        Chunk<T> chunk;
        spoolLock.lock();
        try {
            if (spool != s) {
                return false;
            }
            chunk = s.next(settings.batchSize());
        } catch (IOException | RuntimeException e) {
            LOG.errorf("%s: cannot read the spool, retrying in %d ms: %s", settings.name(),
                    settings.replayInterval().toMillis(), e.toString());
            return false;
        } finally {
            spoolLock.unlock();
        }
        List<T> items = chunk.items().stream().map(Stamped::item).toList();
        int refused = 0;
        if (!items.isEmpty()) {
            Throwable failure = write(items, 1, false);
            if (failure != null && !sink.refusesData(failure)) {
                down(failure);
                return false;
            }
            if (failure != null) {
                for (T item : items) {
                    Throwable one = write(List.of(item), 1, false);
                    if (one != null && !sink.refusesData(one)) {
                        down(one);
                        return false;
                    }
                    refused += one == null ? 0 : 1;
                }
            }
            up();
        }
        spoolLock.lock();
        try {
            if (spool != s) {
                return false;
            }
            s.acknowledge(chunk);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("%s: cannot update the spool after a replay, retrying in %d ms: %s", settings.name(),
                    settings.replayInterval().toMillis(), e.toString());
            return false;
        } finally {
            spoolLock.unlock();
        }
        written.addAndGet(items.size() - refused);
        if (refused > 0) {
            countLost(refused, "spooled events rejected by the database on replay");
        }
        if (chunk.unreadable() > 0) {
            countLost(chunk.unreadable(), "unreadable spool entries (torn by a crash during an append, or corrupt)");
        }
        if (s.isEmpty()) {
            LOG.infof("%s: spool replayed; %d written since start", settings.name(), written.get());
        }
        return true;
    }

    /**
     * The database is down: while the spool holds items, the replayer's attempts tell when it is back, and the
     * writer must not wait for a dead database itself. With nothing to replay, the writer probes it every
     * {@code replayInterval}.
     */
    private boolean leaveTheProbeToTheReplayer(Spool<T> s) {
        return down && (s.size() > 0 || System.nanoTime() - downUntil < 0);
    }

    private synchronized void down(Throwable failure) {
        long now = System.nanoTime();
        downUntil = now + settings.replayInterval().toNanos();
        if (!down) {
            down = true;
            downSince = now;
            // One line per outage, not one per batch (nor a stack trace).
            LOG.warnf("%s: the database cannot take writes (SQLState %s: %s); %s", settings.name(), sqlStateOf(failure),
                    firstLine(failure), spool != null ? "spooling to disk until it is back" : "events will be lost");
        }
    }

    private synchronized void up() {
        if (down) {
            down = false;
            Spool<T> s = spool;
            LOG.infof("%s: the database takes writes again after %d ms; %d event(s) in the spool to replay",
                    settings.name(), Duration.ofNanos(System.nanoTime() - downSince).toMillis(), s == null ? 0 : s.size());
            nudge.release();
        }
    }

    private static void completeDurable(Pending<?> item) {
        if (item.durable() != null) {
            item.durable().complete(null);
        }
    }

    private void lose(List<Pending<T>> items, String why) {
        if (items.isEmpty()) {
            return;
        }
        countLost(items.size(), why);
        IllegalStateException failure = new IllegalStateException(why);
        for (Pending<T> item : items) {
            if (item.durable() != null) {
                item.durable().completeExceptionally(failure);
            }
        }
    }

    private void countLost(int count, String why) {
        long total = lost.addAndGet(count);
        LOG.errorf("%s: %d event(s) not recorded: %s (%d lost since start)", settings.name(), count, why, total);
    }

    private static String firstLine(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static String sqlStateOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
                    if (e.getSQLState() != null) {
                        return e.getSQLState();
                    }
                }
            }
        }
        return "unknown";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
