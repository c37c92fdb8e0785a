package dev.gemgate.adapter.persistence;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallBatcherTest {
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    private final CountDownLatch firstRunning = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    /** A batcher over {@code work} that records its batches and holds the batch of item 0 until released. */
    private CallBatcher<Integer, Integer> batcher(Function<List<Integer>, List<Integer>> work) {
        return new CallBatcher<>("test", 100, items -> {
            batches.add(items);
            if (items.contains(0)) {
                firstRunning.countDown();
                await(releaseFirst);
            }
            return work.apply(items);
        }, CallBatcher::refusesData);
    }

    /**
     * Calls item 0, then items 1 to {@code n} while its batch is held, and releases it once they are all queued; the
     * answers in item order.
     */
    private List<Future<Integer>> behindAHeldBatch(CallBatcher<Integer, Integer> batcher, int n, ExecutorService pool)
            throws InterruptedException {
        List<Future<Integer>> answers = new ArrayList<>();
        answers.add(pool.submit(() -> batcher.call(0)));
        firstRunning.await();
        for (int i = 1; i <= n; i++) {
            int item = i;
            answers.add(pool.submit(() -> batcher.call(item)));
        }
        while (batcher.queuedCount() < n) {
            Thread.onSpinWait();
        }
        releaseFirst.countDown();
        return answers;
    }

    /** With a linger, items called one after another (no batch in flight) still go as one, once the batch is full. */
    @Test
    void withALingerItemsCalledOneAfterAnotherGoTogetherAsSoonAsTheBatchIsFull() throws Exception {
        CallBatcher<Integer, Integer> batcher = new CallBatcher<>("test", 3, java.time.Duration.ofMinutes(10), items -> {
            batches.add(items);
            return items.stream().map(i -> i + 1).toList();
        }, CallBatcher::refusesData);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int item = i;
                answers.add(pool.submit(() -> batcher.call(item)));
                // the next is called only once this one waits in the gathered batch (without a linger, the first
                // would have gone alone at once); the third fills the batch, which then goes without waiting out
                // the ten minutes
                while (i < 3 && batcher.gatheredCount() < i) {
                    Thread.onSpinWait();
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(answers.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(i + 2);
            }
        }
        assertThat(batches).containsExactly(List.of(1, 2, 3));
        batcher.close();
    }

    /** Closing does not wait out a linger: the gathered batch goes at once. */
    @Test
    void closingSendsALingeringBatchAtOnce() throws Exception {
        CallBatcher<Integer, Integer> batcher = new CallBatcher<>("test", 100, java.time.Duration.ofMinutes(10),
                items -> {
                    batches.add(items);
                    return items;
                }, CallBatcher::refusesData);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> answer = pool.submit(() -> batcher.call(7));
            while (batcher.gatheredCount() < 1) {
                Thread.onSpinWait();
            }
            batcher.close();
            assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(7);
        }
        assertThat(batches).containsExactly(List.of(7));
    }

    @Test
    void callsThatQueueWhileABatchRunsGoTogetherAndEachGetsItsOwnResult() throws Exception {
        CallBatcher<Integer, Integer> batcher = batcher(items -> items.stream().map(i -> i * 10).toList());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = behindAHeldBatch(batcher, 50, pool);
            for (int i = 0; i <= 50; i++) {
                assertThat(answers.get(i).get()).isEqualTo(i * 10);
            }
        }
        assertThat(batches.getFirst()).containsExactly(0);
        assertThat(batches).as("the 50 that queued meanwhile go in one batch").hasSize(2);
    }

    @Test
    void aDataErrorInABatchFailsOnlyTheItemThatCausedIt() throws Exception {
        CallBatcher<Integer, Integer> batcher = batcher(items -> {
            if (items.contains(13)) {
                throw new IllegalStateException(new SQLException("value too long", "22001"));
            }
            return items;
        });
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = behindAHeldBatch(batcher, 20, pool);
            for (int i = 0; i <= 20; i++) {
                Future<Integer> answer = answers.get(i);
                if (i == 13) {
                    assertThatThrownBy(answer::get).hasCauseInstanceOf(IllegalStateException.class);
                } else {
                    assertThat(answer.get()).isEqualTo(i);
                }
            }
        }
        assertThat(batches.get(1)).as("the batch that failed").hasSize(20);
        assertThat(batches).as("then each of its items alone").hasSize(2 + 20);
    }

    @Test
    void anOutageFailsTheWholeBatchWithItsOwnException() {
        IllegalStateException outage = new IllegalStateException(new SQLException("refused", "08001"));
        CallBatcher<Integer, Integer> batcher = new CallBatcher<>("test", 100, items -> {
            throw outage;
        }, CallBatcher::refusesData);

        assertThatThrownBy(() -> batcher.call(1)).isSameAs(outage);
    }

    @Test
    void afterCloseCallsRunOnTheirOwnThread() {
        CallBatcher<Integer, String> batcher = new CallBatcher<>("test", 100,
                items -> items.stream().map(i -> Thread.currentThread().getName()).toList(),
                CallBatcher::refusesData);
        assertThat(batcher.call(1)).isEqualTo("gemgate-test");
        batcher.close();

        assertThat(batcher.call(2)).isEqualTo(Thread.currentThread().getName());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
