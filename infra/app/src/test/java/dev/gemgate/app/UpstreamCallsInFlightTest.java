package dev.gemgate.app;

import dev.gemgate.domain.generation.GenerationPort;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamCallsInFlightTest {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** An upstream whose every call blocks until {@link #release}, then answers null or fails on "fail". */
    private final GenerationPort blockingUpstream = (GenerationPort) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[]{GenerationPort.class}, (proxy, method, args) -> {
                entered.countDown();
                release.await();
                if (method.getName().equals("listModels")) {
                    throw new IllegalStateException("upstream failed");
                }
                return method.getName().equals("countTokens") ? 1L : null;
            });

    @Test
    void isIdleWithoutCalls() throws InterruptedException {
        UpstreamCallsInFlight calls = new UpstreamCallsInFlight(blockingUpstream);
        assertThat(calls.inFlight()).isZero();
        assertThat(calls.awaitIdle(Duration.ZERO)).isTrue();
    }

    @Test
    void aShutdownWaitsForACallInProgressUntilItEnds() throws Exception {
        UpstreamCallsInFlight calls = new UpstreamCallsInFlight(blockingUpstream);
        Thread call = Thread.ofVirtual().start(() -> calls.countTokens(null, null, Duration.ofSeconds(1)));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(calls.inFlight()).isEqualTo(1);
        assertThat(calls.awaitIdle(Duration.ofMillis(20))).as("gives up at its deadline").isFalse();

        CountDownLatch idle = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                if (calls.awaitIdle(Duration.ofSeconds(30))) {
                    idle.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        release.countDown();
        assertThat(idle.await(5, TimeUnit.SECONDS)).as("woken when the last call ends").isTrue();
        call.join();
        waiter.join();
        assertThat(calls.inFlight()).isZero();
    }

    @Test
    void aFailedCallIsNoLongerInFlight() throws InterruptedException {
        UpstreamCallsInFlight calls = new UpstreamCallsInFlight(blockingUpstream);
        release.countDown();
        assertThatThrownBy(() -> calls.listModels(null, Duration.ofSeconds(1))).hasMessage("upstream failed");
        assertThat(calls.inFlight()).isZero();
        assertThat(calls.awaitIdle(Duration.ZERO)).isTrue();
    }
}
