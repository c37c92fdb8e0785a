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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallBatcherTest {
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    @Test
    void callsThatQueueWhileABatchRunsGoTogetherAndEachGetsItsOwnResult() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CallBatcher<Integer, Integer> batcher = new CallBatcher<>("test", 100, items -> {
            batches.add(items);
            if (items.contains(0)) {
                firstRunning.countDown();
                await(releaseFirst);
            }
            return items.stream().map(i -> i * 10).toList();
        }, CallBatcher::refusesData);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> first = pool.submit(() -> batcher.call(0));
            firstRunning.await();
            List<Future<Integer>> rest = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                int item = i;
                rest.add(pool.submit(() -> batcher.call(item)));
            }
            while (batcher.queuedCount() < 50) {
                Thread.onSpinWait();
            }
            releaseFirst.countDown();
            assertThat(first.get()).isZero();
            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.get(i).get()).isEqualTo((i + 1) * 10);
            }
        }
        assertThat(batches.getFirst()).containsExactly(0);
        assertThat(batches).as("the 50 that queued meanwhile go in one batch").hasSize(2);
    }

    @Test
    void aDataErrorInABatchFailsOnlyTheItemThatCausedIt() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CallBatcher<Integer, Integer> batcher = new CallBatcher<>("test", 100, items -> {
            batches.add(items);
            if (items.contains(0)) {
                firstRunning.countDown();
                await(releaseFirst);
            }
            if (items.contains(13)) {
                throw new IllegalStateException(new SQLException("value too long", "22001"));
            }
            return items;
        }, CallBatcher::refusesData);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> first = pool.submit(() -> batcher.call(0));
            firstRunning.await();
            List<Future<Integer>> rest = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                int item = i;
                rest.add(pool.submit(() -> batcher.call(item)));
            }
            while (batcher.queuedCount() < 20) {
                Thread.onSpinWait();
            }
            releaseFirst.countDown();
            assertThat(first.get()).isZero();
            for (int i = 1; i <= 20; i++) {
                Future<Integer> answer = rest.get(i - 1);
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
