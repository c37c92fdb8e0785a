package dev.gemgate.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link GeminiEmulator} is started.
 *
 * @param host              the address to bind (default {@code 127.0.0.1})
 * @param port              the port to bind; 0 picks a free ephemeral port
 * @param acceptedApiKeys   the API keys (and Vertex bearer tokens) accepted; empty = any non-empty key
 * @param recordRequests    whether requests are kept for {@link GeminiEmulator#recordedRequests()} (default false:
 *                          recording is for tests, which turn it on; a long run would hold every body it kept)
 * @param streamChunkTokens how many reply tokens each streamed chunk carries (default 8)
 * @param maxBodyBytes      the largest request body accepted (default {@value #DEFAULT_MAX_BODY_BYTES}); a larger
 *                          one gets Google's 400 "Request payload size exceeds the limit"
 * @param streamChunkDelay  how long each streamed chunk waits before it is written, the first one after the headers
 *                          (default zero: as fast as possible); a {@link FaultPlan#chunkDelay chunk-delay fault}
 *                          overrides it for the calls it matches
 * @param stampChunks       whether each streamed chunk carries {@code "emulatorSentAtMicros"}: the epoch microseconds
 *                          when it was written, for a benchmark client on the same machine (default false)
 * @param batchPollsToComplete  a batch job is done on its n-th {@code get} (default {@value #DEFAULT_BATCH_POLLS}):
 *                              PENDING when created, RUNNING with a share of its requests done after each earlier poll
 * @param batchCompletionTime   a batch job is also done once this much emulator time has passed since its creation
 *                              (default 10 s), whichever comes first; the share done grows with the time too
 * @param clock                 the emulator's clock for resource times (files, caches, batches; default the system UTC
 *                              clock), moved further by {@link GeminiEmulator#advanceClock(Duration)}
 */
public record EmulatorConfig(String host, int port, Set<String> acceptedApiKeys, boolean recordRequests,
                             int streamChunkTokens, int maxBodyBytes, Duration streamChunkDelay, boolean stampChunks,
                             int batchPollsToComplete, Duration batchCompletionTime, Clock clock) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_STREAM_CHUNK_TOKENS = 8;
    /**
     * 150 MiB: Google takes up to 100 MB of inline data per request, which is about 134 MB as base64, plus the rest of
     * the request. Anything a gateway in front accepts (its own limits are at most Google's) must pass here.
     */
    public static final int DEFAULT_MAX_BODY_BYTES = 150 * 1024 * 1024;
    public static final int DEFAULT_BATCH_POLLS = 2;
    public static final Duration DEFAULT_BATCH_COMPLETION_TIME = Duration.ofSeconds(10);

    public EmulatorConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        acceptedApiKeys = acceptedApiKeys == null ? Set.of() : Set.copyOf(acceptedApiKeys);
        if (streamChunkTokens <= 0) {
            throw new IllegalArgumentException("streamChunkTokens must be positive: " + streamChunkTokens);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        streamChunkDelay = streamChunkDelay == null ? Duration.ZERO : streamChunkDelay;
        if (streamChunkDelay.isNegative()) {
            throw new IllegalArgumentException("streamChunkDelay must not be negative: " + streamChunkDelay);
        }
        if (batchPollsToComplete <= 0) {
            throw new IllegalArgumentException("batchPollsToComplete must be positive: " + batchPollsToComplete);
        }
        batchCompletionTime = batchCompletionTime == null ? DEFAULT_BATCH_COMPLETION_TIME : batchCompletionTime;
        if (batchCompletionTime.isNegative() || batchCompletionTime.isZero()) {
            throw new IllegalArgumentException("batchCompletionTime must be positive: " + batchCompletionTime);
        }
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** The old eight-value form: batch defaults and the system clock. */
    public EmulatorConfig(String host, int port, Set<String> acceptedApiKeys, boolean recordRequests,
                          int streamChunkTokens, int maxBodyBytes, Duration streamChunkDelay, boolean stampChunks) {
        this(host, port, acceptedApiKeys, recordRequests, streamChunkTokens, maxBodyBytes, streamChunkDelay, stampChunks,
                DEFAULT_BATCH_POLLS, DEFAULT_BATCH_COMPLETION_TIME, null);
    }

    /**
     * 127.0.0.1, an ephemeral port, any key accepted, recording off, 8 tokens per stream chunk, 150 MiB bodies, no chunk
     * delay, no chunk stamps.
     */
    public static EmulatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).acceptedApiKeys(acceptedApiKeys).recordRequests(recordRequests)
                .streamChunkTokens(streamChunkTokens).maxBodyBytes(maxBodyBytes).streamChunkDelay(streamChunkDelay)
                .stampChunks(stampChunks).batchPollsToComplete(batchPollsToComplete)
                .batchCompletionTime(batchCompletionTime).clock(clock);
    }

    /** This configuration with another port. */
    public EmulatorConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private final Set<String> acceptedApiKeys = new LinkedHashSet<>();
        private boolean recordRequests;
        private int streamChunkTokens = DEFAULT_STREAM_CHUNK_TOKENS;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration streamChunkDelay = Duration.ZERO;
        private boolean stampChunks;
        private int batchPollsToComplete = DEFAULT_BATCH_POLLS;
        private Duration batchCompletionTime = DEFAULT_BATCH_COMPLETION_TIME;
        private Clock clock;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Replaces the accepted keys (empty = any non-empty key is accepted). */
        public Builder acceptedApiKeys(Set<String> keys) {
            acceptedApiKeys.clear();
            if (keys != null) {
                keys.forEach(k -> acceptedApiKeys.add(Objects.requireNonNull(k)));
            }
            return this;
        }

        /** Adds accepted keys. */
        public Builder acceptApiKey(String... keys) {
            acceptedApiKeys.addAll(Arrays.asList(keys));
            return this;
        }

        /** Keeps requests for {@link GeminiEmulator#recordedRequests()}: for tests. */
        public Builder recordRequests(boolean recordRequests) {
            this.recordRequests = recordRequests;
            return this;
        }

        public Builder streamChunkTokens(int streamChunkTokens) {
            this.streamChunkTokens = streamChunkTokens;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Each streamed chunk waits this long before it is written (a model's pace; zero = none). */
        public Builder streamChunkDelay(Duration streamChunkDelay) {
            this.streamChunkDelay = streamChunkDelay;
            return this;
        }

        /** Each streamed chunk carries {@code "emulatorSentAtMicros"} (epoch microseconds when written). */
        public Builder stampChunks(boolean stampChunks) {
            this.stampChunks = stampChunks;
            return this;
        }

        /** A batch job is done on its n-th {@code get} (default 2). */
        public Builder batchPollsToComplete(int polls) {
            this.batchPollsToComplete = polls;
            return this;
        }

        /** A batch job is done once this much emulator time has passed since its creation (default 10 s). */
        public Builder batchCompletionTime(Duration time) {
            this.batchCompletionTime = time;
            return this;
        }

        /** The clock of resource times (expiry of files and caches, batch progress); default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public EmulatorConfig build() {
            return new EmulatorConfig(host, port, acceptedApiKeys, recordRequests, streamChunkTokens, maxBodyBytes,
                    streamChunkDelay, stampChunks, batchPollsToComplete, batchCompletionTime, clock);
        }
    }
}
