package dev.gemgate.domain.generation;

import java.util.Objects;
import java.util.Optional;

/**
 * One chunk of a streamed generation: {@code json} is its GenerateContentResponse text exactly as the upstream sent it
 * (forwarded byte for byte, so fields the gateway does not know and thought signatures arrive untouched), and
 * {@code response} is what that text parses to, for policies to read. {@code usage} is present when the chunk carries
 * {@code usageMetadata}; {@code receivedNanos} is {@link System#nanoTime()} when its last byte arrived.
 */
public record StreamChunk(String json, GenerationResponse response, Optional<Usage> usage, long receivedNanos) {
    public StreamChunk {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(usage, "usage");
    }
}
