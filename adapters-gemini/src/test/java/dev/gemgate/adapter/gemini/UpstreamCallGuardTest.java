package dev.gemgate.adapter.gemini;

import dev.gemgate.adapter.gemini.UpstreamCallGuard.Reason;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guard on OkHttp's real call machinery (its interceptor chain, {@code Call.cancel()}), with the network replaced
 * by a last interceptor and time moved by hand.
 */
class UpstreamCallGuardTest {
    private final ManualWatchdog watchdog = new ManualWatchdog();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** What happens "on the network" during a call; by default nothing. */
    private volatile Consumer<Call> duringCall = call -> {
    };
    private final OkHttpClient client = new OkHttpClient.Builder()
            .addInterceptor(UpstreamCallGuard.INTERCEPTOR)
            .addInterceptor(this::answerWithoutNetwork)
            .build();

    @AfterEach
    void shutDown() {
        client.dispatcher().executorService().shutdown();
    }

    @Test
    void theTotalDeadlineCancelsTheCallInFlightWhenDueAndNotBefore() throws Exception {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            List<Boolean> cancelledAt = new ArrayList<>();
            duringCall = call -> {
                watchdog.advance(Duration.ofMillis(999));
                cancelledAt.add(call.isCanceled());
                watchdog.advance(Duration.ofMillis(1));
                cancelledAt.add(call.isCanceled());
            };

            cancelledCall();

            assertThat(cancelledAt).containsExactly(false, true);
            assertThat(guard.fired()).contains(Reason.TOTAL_DEADLINE);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void aGuardThatFiredBeforeTheCallCancelsItAsItIsAttachedAndOkHttpFailsIt() {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofMillis(50), watchdog)) {
            watchdog.advance(Duration.ofMillis(50));
            assertThat(guard.fired()).contains(Reason.TOTAL_DEADLINE);

            assertThatThrownBy(this::callThroughOkHttp).isInstanceOf(IOException.class).hasMessage("Canceled");
            assertThat(calls).singleElement().satisfies(call -> assertThat(call.isCanceled()).isTrue());
        }
    }

    @Test
    void aDeadlineThatIsNotPositiveHasAlreadyPassed() {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ZERO, watchdog)) {
            assertThat(guard.fired()).contains(Reason.TOTAL_DEADLINE);
        }
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofMillis(-5), watchdog)) {
            assertThat(guard.fired()).contains(Reason.TOTAL_DEADLINE);
        }
    }

    @Test
    void theIdleDeadlineFiresOnlyAfterIdleWithoutTouch() throws Exception {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofHours(1), watchdog)) {
            guard.idleDeadline(Duration.ofMillis(100));
            List<Boolean> cancelledAt = new ArrayList<>();
            duringCall = call -> {
                watchdog.advance(Duration.ofMillis(99));
                cancelledAt.add(call.isCanceled());
                watchdog.advance(Duration.ofMillis(1));
                cancelledAt.add(call.isCanceled());
            };

            cancelledCall();

            assertThat(cancelledAt).containsExactly(false, true);
            assertThat(guard.fired()).contains(Reason.IDLE_DEADLINE);
        }
    }

    @Test
    void touchKeepsTheCallAliveAndTheIdleTimeCountsFromTheLastTouch() throws Exception {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofHours(1), watchdog)) {
            guard.idleDeadline(Duration.ofMillis(100));
            List<Boolean> cancelledAt = new ArrayList<>();
            duringCall = call -> {
                for (int chunk = 0; chunk < 120; chunk++) { // 1.2 s of chunks 10 ms apart: 12 idle periods
                    watchdog.advance(Duration.ofMillis(10));
                    guard.touch();
                }
                cancelledAt.add(call.isCanceled());
                watchdog.advance(Duration.ofMillis(99));
                cancelledAt.add(call.isCanceled());
                watchdog.advance(Duration.ofMillis(1));
                cancelledAt.add(call.isCanceled());
            };

            cancelledCall();

            assertThat(cancelledAt).containsExactly(false, false, true);
            assertThat(guard.fired()).contains(Reason.IDLE_DEADLINE);
            // touch() re-arms nothing: the watchdog re-checked about once per idle period, not once per chunk
            assertThat(watchdog.scheduled).isLessThan(20);
        }
    }

    @Test
    void changingTheIdleDeadlineReplacesTheOldOne() {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofHours(1), watchdog)) {
            guard.idleDeadline(Duration.ofMillis(100));
            guard.idleDeadline(Duration.ofMillis(500));

            watchdog.advance(Duration.ofMillis(499));
            assertThat(guard.fired()).isEmpty();
            watchdog.advance(Duration.ofMillis(1));
            assertThat(guard.fired()).contains(Reason.IDLE_DEADLINE);
        }
    }

    @Test
    void theTotalDeadlineHoldsEvenWhenTheCallIsNeverIdle() {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            guard.idleDeadline(Duration.ofMillis(100));
            for (int i = 0; i < 19; i++) {
                watchdog.advance(Duration.ofMillis(50));
                guard.touch();
            }
            assertThat(guard.fired()).isEmpty();
            watchdog.advance(Duration.ofMillis(50));
            assertThat(guard.fired()).contains(Reason.TOTAL_DEADLINE);
        }
    }

    @Test
    void cancelIsIdempotentSafeFromAnotherThreadAndTheFirstReasonWins() throws Exception {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            duringCall = call -> {
                Thread other = Thread.ofPlatform().start(() -> {
                    guard.cancel();
                    guard.cancel();
                });
                join(other);
                assertThat(call.isCanceled()).isTrue();
            };

            cancelledCall();
            guard.cancel();
            watchdog.advance(Duration.ofSeconds(2));

            assertThat(guard.fired()).contains(Reason.CANCELLED);
            assertThat(calls.getFirst().isCanceled()).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void afterCloseALateDeadlineOrCancelCancelsNothing() throws Exception {
        UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog);
        guard.idleDeadline(Duration.ofMillis(100));
        call();
        guard.close();
        guard.close();

        watchdog.advance(Duration.ofSeconds(5));
        guard.cancel();

        assertThat(guard.fired()).isEmpty();
        assertThat(calls.getFirst().isCanceled()).isFalse();
        assertThat(watchdog.pending()).as("both alarms were disarmed").isZero();
    }

    @Test
    void aGuardDoesNotLeakToTheNextCallOnTheSameThread() throws Exception {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            guard.cancel();
        }
        call(); // no guard: this call is attached to nothing and nothing cancels it

        try (UpstreamCallGuard next = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            call();
            assertThat(next.fired()).isEmpty();
        }

        assertThat(calls).hasSize(2).noneMatch(Call::isCanceled);
    }

    @Test
    void aGuardOnlyAttachesCallsOfItsOwnThread() throws Exception {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            Thread other = Thread.ofVirtual().start(() -> {
                try {
                    call();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            join(other);
            guard.cancel();
        }
        assertThat(calls).singleElement().satisfies(call -> assertThat(call.isCanceled()).isFalse());
    }

    @Test
    void aGuardClosedFromAnotherThreadLeavesAStaleBindingThatAttachesNothing() throws Exception {
        UpstreamCallGuard guard = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog);
        join(Thread.ofPlatform().start(guard::close));

        call();
        guard.cancel();

        assertThat(calls.getFirst().isCanceled()).isFalse();
        try (UpstreamCallGuard next = UpstreamCallGuard.open(Duration.ofSeconds(1), watchdog)) {
            next.cancel();
            assertThatThrownBy(this::callThroughOkHttp).hasMessage("Canceled");
        }
    }

    private void call() throws IOException {
        try (Response response = client.newCall(new Request.Builder().url("http://127.0.0.1:1/x").build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
    }

    /** A call that the guard cancels while it is in flight: OkHttp fails it as it returns. */
    private void cancelledCall() {
        assertThatThrownBy(this::call).isInstanceOf(IOException.class).hasMessage("Canceled");
    }

    /** A call that goes past the application interceptors, where OkHttp itself checks for a cancel. */
    private void callThroughOkHttp() throws IOException {
        OkHttpClient real = new OkHttpClient.Builder().addInterceptor(UpstreamCallGuard.INTERCEPTOR)
                .addInterceptor(chain -> {
                    calls.add(chain.call());
                    return chain.proceed(chain.request());
                }).build();
        try {
            real.newCall(new Request.Builder().url("http://127.0.0.1:1/x").build()).execute().close();
        } finally {
            real.dispatcher().executorService().shutdown();
        }
    }

    private Response answerWithoutNetwork(Interceptor.Chain chain) {
        calls.add(chain.call());
        duringCall.accept(chain.call());
        return new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_2).code(200).message("OK")
                .body(ResponseBody.create("{}", MediaType.get("application/json"))).build();
    }

    private static void join(Thread thread) {
        try {
            assertThat(thread.join(Duration.ofSeconds(10))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Time moves only when a test says so; alarms run on the test's thread as their time comes. */
    static final class ManualWatchdog implements UpstreamCallGuard.Watchdog {
        private record Task(long due, long order, Runnable work) {
        }

        private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due() != b.due()
                ? Long.compare(a.due(), b.due()) : Long.compare(a.order(), b.order()));
        private long now = 1_000_000_000L;
        private long order;
        int scheduled;

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized Alarm schedule(Runnable task, long delayNanos) {
            scheduled++;
            Task t = new Task(now + delayNanos, order++, task);
            tasks.add(t);
            return () -> {
                synchronized (this) {
                    tasks.remove(t);
                }
            };
        }

        synchronized int pending() {
            return tasks.size();
        }

        void advance(Duration by) {
            long target;
            synchronized (this) {
                target = now + by.toNanos();
            }
            while (true) {
                Task next;
                synchronized (this) {
                    next = tasks.peek();
                    if (next == null || next.due() > target) {
                        now = target;
                        return;
                    }
                    tasks.poll();
                    now = next.due();
                }
                next.work().run();
            }
        }
    }
}
