package dev.gemgate.domain.generation;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One chunk of a streamed generation: {@link #json()} is its GenerateContentResponse text exactly as the upstream sent
 * it (forwarded byte for byte, so fields the gateway does not know and thought signatures arrive untouched), and
 * {@link #response()} what that text parses to, for policies to read. The parse is made on first use, so that a chunk
 * can be forwarded before it is read: accounting then costs the stream nothing on its way to the client.
 * {@link #receivedNanos()} is {@link System#nanoTime()} when its last byte arrived.
 *
 * <p>Not thread-safe: one chunk is handled by one thread.
 */
public final class StreamChunk {
    /** A chunk's parse: the response, and its usage when the chunk carries {@code usageMetadata}. */
    public record Parsed(GenerationResponse response, Optional<Usage> usage) {
        public Parsed {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(usage, "usage");
        }
    }

    private final String json;
    private final long receivedNanos;
    private Supplier<Parsed> parser;
    private Parsed parsed;

    /** A chunk whose text is parsed by {@code parser} on first use (the parser may throw for text that is not JSON). */
    public StreamChunk(String json, long receivedNanos, Supplier<Parsed> parser) {
        this.json = Objects.requireNonNull(json, "json");
        this.receivedNanos = receivedNanos;
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** A chunk already parsed. */
    public StreamChunk(String json, GenerationResponse response, Optional<Usage> usage, long receivedNanos) {
        this.json = Objects.requireNonNull(json, "json");
        this.receivedNanos = receivedNanos;
        this.parsed = new Parsed(response, usage);
    }

    public String json() {
        return json;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public GenerationResponse response() {
        return parsed().response();
    }

    public Optional<Usage> usage() {
        return parsed().usage();
    }

    private Parsed parsed() {
        if (parsed == null) {
            parsed = Objects.requireNonNull(parser.get(), "a chunk's parse");
            parser = null;
        }
        return parsed;
    }
}
