package dev.gemgate.emulator;

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
 * @param recordRequests    whether requests are kept in the ring buffer of the last
 *                          {@value GeminiEmulator#RECORDED_REQUESTS_CAPACITY} (default true)
 * @param streamChunkTokens how many reply tokens each streamed chunk carries (default 8)
 */
public record EmulatorConfig(String host, int port, Set<String> acceptedApiKeys, boolean recordRequests,
                             int streamChunkTokens) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_STREAM_CHUNK_TOKENS = 8;

    public EmulatorConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        acceptedApiKeys = acceptedApiKeys == null ? Set.of() : Set.copyOf(acceptedApiKeys);
        if (streamChunkTokens <= 0) {
            throw new IllegalArgumentException("streamChunkTokens must be positive: " + streamChunkTokens);
        }
    }

    /** 127.0.0.1, an ephemeral port, any key accepted, recording on, 8 tokens per stream chunk. */
    public static EmulatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).acceptedApiKeys(acceptedApiKeys).recordRequests(recordRequests)
                .streamChunkTokens(streamChunkTokens);
    }

    /** This configuration with another port. */
    public EmulatorConfig withPort(int newPort) {
        return new EmulatorConfig(host, newPort, acceptedApiKeys, recordRequests, streamChunkTokens);
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private final Set<String> acceptedApiKeys = new LinkedHashSet<>();
        private boolean recordRequests = true;
        private int streamChunkTokens = DEFAULT_STREAM_CHUNK_TOKENS;

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

        public Builder recordRequests(boolean recordRequests) {
            this.recordRequests = recordRequests;
            return this;
        }

        public Builder streamChunkTokens(int streamChunkTokens) {
            this.streamChunkTokens = streamChunkTokens;
            return this;
        }

        public EmulatorConfig build() {
            return new EmulatorConfig(host, port, acceptedApiKeys, recordRequests, streamChunkTokens);
        }
    }
}
