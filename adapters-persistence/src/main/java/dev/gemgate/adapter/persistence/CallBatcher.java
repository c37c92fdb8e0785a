package dev.gemgate.adapter.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Group commit for calls whose callers wait for their own result (a ledger row's "written" or "already there"): each
 * caller blocks in {@link #call} until the batch its item went into is committed. One worker (a virtual thread) takes
 * what is queued, up to {@code maxBatch} items, and runs them as one {@link BatchCall}: one transaction, one commit.
 * Nothing waits for a timer: an item queued while the database is idle goes at once (one round trip, as without
 * batching), and items that queue while a batch is in flight go together in the next one, so round trips per item
 * fall as concurrency rises (the "smart batching" of group commit). A batcher built with a linger (for calls off the
 * request path) instead waits up to that long after a batch's first item for more, so that fewer, fuller batches go.
 *
 * <p>A batch's failure is every one of its callers' failure (rethrown as it was, so that an outage keeps its type),
 * except a failure that {@code aloneRetry} says is one item's fault (a data error: retrying cannot help the batch, but
 * its items one by one can): then each item runs alone and only the bad one fails.
 */
final class CallBatcher<I, R> {
    /** Runs a batch; returns one result per item, in the items' order. */
    @FunctionalInterface
    interface BatchCall<I, R> {
        List<R> apply(List<I> items);
    }

    private record Pending<I, R>(I item, CompletableFuture<R> result) {
    }

    private final String name;
    private final int maxBatch;
    /** How long the worker waits for more items after the first of a batch (0: not at all). */
    private final long lingerNanos;
    private final BatchCall<I, R> call;
    private final Predicate<RuntimeException> aloneRetry;
    private final LinkedBlockingQueue<Pending<I, R>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    /** Items in the batch the worker is gathering during a linger (0 when it is not lingering). */
    private volatile int gathered;
    private volatile Thread worker;
    private volatile boolean closed;

    CallBatcher(String name, int maxBatch, BatchCall<I, R> call, Predicate<RuntimeException> aloneRetry) {
        this(name, maxBatch, Duration.ZERO, call, aloneRetry);
    }

    /**
     * @param linger how long a batch waits for more items after its first, unless it is full first (or the batcher
     *               closes): for calls off the request path, whose callers can wait, so that a batch holds more items
     *               and the database sees fewer round trips (zero: a batch goes at once, as described above)
     */
    CallBatcher(String name, int maxBatch, Duration linger, BatchCall<I, R> call,
                Predicate<RuntimeException> aloneRetry) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException(name + ": a batch holds at least one item");
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException(name + ": a negative linger");
        }
        this.name = name;
        this.maxBatch = maxBatch;
        this.lingerNanos = linger.toNanos();
        this.call = call;
        this.aloneRetry = aloneRetry;
    }

    /** SQLState classes 22 (data exception) and 23 (integrity constraint violation): one item's fault. */
    static boolean refusesData(RuntimeException failure) {
        String state = GroupCommitWriter.sqlStateOf(failure);
        return state.startsWith("22") || state.startsWith("23");
    }

    /**
     * Runs {@code item} in the next batch and returns its result once that batch is committed; after {@link #close}, on
     * the calling thread, alone.
     */
    R call(I item) {
        return Futures.await(submit(item));
    }

    /**
     * Queues {@code item} for the next batch without waiting: the future completes once that batch is committed (or
     * fails as the batch did). After {@link #close}, {@code item} runs at once on the calling thread.
     */
    CompletableFuture<R> submit(I item) {
        if (!closed) {
            startIfNeeded();
            Pending<I, R> pending = new Pending<>(item, new CompletableFuture<>());
            queue.add(pending);
            if (!closed || !queue.remove(pending)) {
                return pending.result();
            }
            // closed meanwhile, and the worker (which may have ended) did not take it
        }
        CompletableFuture<R> alone = new CompletableFuture<>();
        runAlone(new Pending<>(item, alone));
        return alone;
    }

    /** Batches committed (or failed) since start. */
    long batchCount() {
        return batches.get();
    }

    /** Items waiting for the next batch. */
    int queuedCount() {
        return queue.size();
    }

    /** Items the worker holds while it lingers for more (0 when it does not linger). */
    int gatheredCount() {
        return gathered;
    }

    /** Items run since start. */
    long itemCount() {
        return items.get();
    }

    private void startIfNeeded() {
        if (worker == null) {
            synchronized (this) {
                if (worker == null) {
                    worker = Thread.ofVirtual().name("gemgate-" + name).start(this::work);
                }
            }
        }
    }

    /** Stops the worker once what is queued has run; later calls run on their callers' threads. */
    void close() {
        closed = true;
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    private void work() {
        List<Pending<I, R>> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                batch.add(queue.take());
                linger(batch);
            } catch (InterruptedException e) {
                if (!closed) {
                    if (!batch.isEmpty()) {
                        run(batch); // interrupted while it lingered: it goes now
                        batch.clear();
                    }
                    continue;
                }
                // closing: what was gathered or queued before still runs, in batches, then the worker ends
                while (true) {
                    queue.drainTo(batch, maxBatch - batch.size());
                    if (batch.isEmpty()) {
                        return;
                    }
                    run(batch);
                    batch.clear();
                }
            }
            queue.drainTo(batch, maxBatch - batch.size());
            run(batch);
            batch.clear();
        }
    }

    /** Waits up to the linger after a batch's first item for more, until the batch is full or the batcher closes. */
    private void linger(List<Pending<I, R>> batch) throws InterruptedException {
        if (lingerNanos == 0) {
            return;
        }
        long until = System.nanoTime() + lingerNanos;
        try {
            while (!closed) {
                queue.drainTo(batch, maxBatch - batch.size());
                long left = until - System.nanoTime();
                if (batch.size() >= maxBatch || left <= 0) {
                    return;
                }
                gathered = batch.size();
                Pending<I, R> next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return;
                }
                batch.add(next);
            }
        } finally {
            gathered = 0;
        }
    }

    private void run(List<Pending<I, R>> batch) {
        batches.incrementAndGet();
        items.addAndGet(batch.size());
        try {
            List<R> results = call.apply(batch.stream().map(Pending::item).toList());
            if (results.size() != batch.size()) {
                throw new IllegalStateException(name + ": " + results.size() + " results for " + batch.size()
                        + " items");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            if (batch.size() > 1 && aloneRetry.test(e)) {
                batch.forEach(this::runAlone);
            } else {
                batch.forEach(pending -> pending.result().completeExceptionally(e));
            }
        } catch (Error e) {
            batch.forEach(pending -> pending.result().completeExceptionally(e));
        }
    }

    private void runAlone(Pending<I, R> pending) {
        try {
            pending.result().complete(call.apply(List.of(pending.item())).getFirst());
        } catch (RuntimeException | Error e) {
            pending.result().completeExceptionally(e);
        }
    }
}
