package dev.gemgate.adapter.gemini;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import io.vertx.core.Context;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.LIMITS;
import static dev.gemgate.adapter.gemini.GenAiGenerationAdapterTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stream for an observer that never blocks ({@link StreamObserver#nonBlocking}) is read by the Vert.x transport and
 * handed over on the event loop that reads it, with the observer's flow control; it must end exactly as the blocking
 * read does (the same chunks, the same failures, no callback after a stop), with the end reported on the calling
 * thread.
 */
class EventLoopStreamTest extends EmulatorBackedTest {
    private static final String LONG_PROMPT =
            "a long enough prompt to need several chunks of eight tokens each, surely, and then a few more words";
    private static UpstreamCredential credential;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        adapter = new GenAiGenerationAdapter(GenAiSettings.defaults().withTransport(GenAiSettings.Transport.VERTX));
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("loop"), "loop-key-1",
                Optional.of(emulator.baseUrl()));
    }

    @Test
    void theChunksArriveOnTheEventLoopAsTheBlockingReadGetsThemAndTheEndOnTheCallingThread() {
        LoopRecorder onLoop = new LoopRecorder(true);
        GenAiGenerationAdapterTest.Recorder blocking = new GenAiGenerationAdapterTest.Recorder(true);

        adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(), onLoop);
        adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(), blocking);

        assertThat(onLoop.texts).hasSizeGreaterThan(2).isEqualTo(blocking.texts);
        assertThat(onLoop.chunkOnEventLoop).containsOnly(true);
        assertThat(onLoop.errors).isEmpty();
        assertThat(onLoop.completed).containsExactly(blocking.completed.getFirst());
        assertThat(onLoop.endThread.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void aHeldObserverGetsNoChunkUntilItIsReadyThenTheRest() throws Exception {
        emulator.faults().chunkDelay(1, Duration.ofMillis(30));
        LoopRecorder recorder = new LoopRecorder(true);
        recorder.holdAfterFirst = true;
        Thread caller = Thread.ofVirtual().start(() ->
                adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(), recorder));

        while (recorder.texts.isEmpty()) {
            Thread.sleep(5);
        }
        Thread.sleep(400); // a dozen chunk delays: the emulator has written more, the adapter reads none of it
        assertThat(recorder.texts).hasSize(1);
        recorder.ready.get().run();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(recorder.texts).hasSizeGreaterThan(2);
        assertThat(recorder.completed).hasSize(1);
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void aStreamCutMidwayEndsWithUnavailableOnTheCallingThread() {
        emulator.faults().cutStreamAfter(1, 1);
        LoopRecorder recorder = new LoopRecorder(true);

        adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.texts).hasSize(1);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.UNAVAILABLE));
        assertThat(recorder.endThread.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void anErrorEventMidwayIsTheUpstreamsErrorAfterTheChunksBeforeIt() {
        emulator.faults().streamError(1, 2, 503);
        LoopRecorder recorder = new LoopRecorder(true);

        adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.texts).hasSize(2);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).singleElement().satisfies(e ->
                assertThat(((UpstreamException) e).upstreamStatus()).isEqualTo(503));
    }

    @Test
    void anErrorAnswerBeforeTheFirstChunkIsReportedAsTheBlockingReadReportsIt() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(2));
        LoopRecorder recorder = new LoopRecorder(true);

        adapter.stream(request("hi"), credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.texts).isEmpty();
        assertThat(recorder.errors).singleElement()
                .satisfies(e -> assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.RATE_LIMITED));
    }

    @Test
    void anObserverReturningFalseStopsTheStreamWithoutFurtherCallbacks() {
        LoopRecorder recorder = new LoopRecorder(false);

        adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(), recorder);

        assertThat(recorder.texts).hasSize(1);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void anObserversOwnFailureReachesTheCallerAndStopsTheStream() {
        LoopRecorder recorder = new LoopRecorder(true);
        recorder.throwOnSecond = new IllegalStateException("the observer's own failure");

        assertThatThrownBy(() -> adapter.stream(request(LONG_PROMPT), credential, LIMITS, new Cancellation(),
                recorder)).isSameAs(recorder.throwOnSecond);

        assertThat(recorder.texts).hasSize(1);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void theIdleDeadlineEndsAStalledStream() {
        emulator.faults().stallStreamAfter(1, 1);
        LoopRecorder recorder = new LoopRecorder(true);
        long start = System.nanoTime();

        adapter.stream(request(LONG_PROMPT), credential, new StreamLimits(Duration.ofMinutes(5),
                Duration.ofMillis(600)), new Cancellation(), recorder);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4000));
        assertThat(recorder.texts).hasSize(1);
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(((UpstreamException) e).kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("idle");
        });
    }

    @Test
    void aCancellationMidwayEndsTheStreamWithoutACallback() throws Exception {
        emulator.faults().stallStreamAfter(1, 1);
        LoopRecorder recorder = new LoopRecorder(true);
        Cancellation cancellation = new Cancellation();
        Thread caller = Thread.ofVirtual().start(() ->
                adapter.stream(request(LONG_PROMPT), credential, LIMITS, cancellation, recorder));
        while (recorder.texts.isEmpty()) {
            Thread.sleep(5);
        }

        cancellation.cancel();
        caller.join(5_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(recorder.texts).hasSize(1);
        assertThat(recorder.completed).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    /** A non-blocking observer that records where each callback ran. */
    private static final class LoopRecorder implements StreamObserver {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<Boolean> chunkOnEventLoop = new CopyOnWriteArrayList<>();
        final List<Usage> completed = new ArrayList<>();
        final List<RuntimeException> errors = new ArrayList<>();
        final AtomicReference<Thread> endThread = new AtomicReference<>();
        final AtomicReference<Runnable> ready = new AtomicReference<>();
        private final boolean keepGoing;
        volatile boolean holdAfterFirst;
        volatile RuntimeException throwOnSecond;
        private Usage lastUsage = Usage.NONE;

        LoopRecorder(boolean keepGoing) {
            this.keepGoing = keepGoing;
        }

        @Override
        public boolean nonBlocking() {
            return true;
        }

        @Override
        public boolean holdUntilReady(Runnable whenReady) {
            if (holdAfterFirst && texts.size() == 1 && ready.get() == null) {
                ready.set(whenReady);
                return true;
            }
            return false;
        }

        @Override
        public boolean onChunk(StreamChunk chunk) {
            if (throwOnSecond != null && texts.size() == 1) {
                throw throwOnSecond;
            }
            chunkOnEventLoop.add(Context.isOnEventLoopThread());
            texts.add(chunk.json());
            chunk.usage().ifPresent(u -> lastUsage = u);
            return keepGoing;
        }

        @Override
        public void onComplete() {
            endThread.set(Thread.currentThread());
            completed.add(lastUsage);
        }

        @Override
        public void onError(RuntimeException failure) {
            endThread.set(Thread.currentThread());
            errors.add(failure);
        }
    }
}
