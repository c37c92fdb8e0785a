package dev.gemgate.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One way to reach the same upstream (direct, nginx, Gemgate): the generateContent and streamGenerateContent URLs and
 * the key to send, in one of three {@link Shape}s.
 * Every request carries a different prompt, so no response cache anywhere on the path can answer it, except on the
 * {@link Shape#CACHE_HIT} path, which asks the same deterministic question every time so that the cache answers it.
 */
record Target(String name, URI base, String apiKey, String model, int maxOutputTokens, Shape shape) {

    /** What the requests look like. */
    enum Shape {
        /** Gemini-native generateContent with {@code x-goog-api-key}, a unique prompt each time. */
        GEMINI,
        /** OpenAI-compatible {@code /v1beta/openai/chat/completions} with a Bearer key, a unique prompt each time. */
        OPENAI,
        /** Gemini-native, the same prompt at temperature 0 every time: after the first, each is a cache hit. */
        CACHE_HIT
    }

    Target(String name, URI base, String apiKey, String model, int maxOutputTokens) {
        this(name, base, apiKey, model, maxOutputTokens, Shape.GEMINI);
    }

    private static final String RUN_ID = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    URI generateUri() {
        return shape == Shape.OPENAI ? URI.create(base + "/v1beta/openai/chat/completions")
                : URI.create(base + "/v1beta/models/" + model + ":generateContent");
    }

    /** The header that carries the key, and its value. */
    String[] keyHeader() {
        return shape == Shape.OPENAI ? new String[] {"Authorization", "Bearer " + apiKey}
                : new String[] {"x-goog-api-key", apiKey};
    }

    /** A unique request body (the same one on the cache-hit path): same size and shape on every path. */
    String body() {
        return body(name + " " + RUN_ID + " " + SEQUENCE.incrementAndGet());
    }

    /** The body with {@code tag} in its prompt; on the cache-hit path the tag is ignored (the body never changes). */
    String body(String tag) {
        return switch (shape) {
            case GEMINI -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Benchmark request " + tag
                    + ": reply with a short sentence.\"}]}],\"generationConfig\":{\"maxOutputTokens\":" + maxOutputTokens
                    + "}}";
            case OPENAI -> "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"Benchmark request " + tag + ": reply with a short sentence.\"}],\"max_completion_tokens\":"
                    + maxOutputTokens + "}";
            case CACHE_HIT -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Benchmark request "
                    + "cache-hit " + RUN_ID + ": reply with a short sentence.\"}]}],\"generationConfig\":"
                    + "{\"maxOutputTokens\":" + maxOutputTokens + ",\"temperature\":0}}";
        };
    }

    HttpRequest request(Duration timeout) {
        String[] key = keyHeader();
        return HttpRequest.newBuilder(generateUri())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(key[0], key[1])
                .POST(HttpRequest.BodyPublishers.ofString(body()))
                .build();
    }

    URI streamUri() {
        return URI.create(base + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse");
    }

    /**
     * A unique streamed request whose reply comes in exactly {@code chunks} chunks of {@code chunkTokens} tokens: the
     * emulator echoes the prompt, which is longer than {@code maxOutputTokens = chunks * chunkTokens}, so the reply is
     * cut at that many tokens (finishReason MAX_TOKENS) and split into pieces of the emulator's chunk size.
     */
    HttpRequest streamRequest(Duration timeout, int chunks, int chunkTokens) {
        int tokens = chunks * chunkTokens;
        StringBuilder text = new StringBuilder("Benchmark stream ").append(name).append(' ').append(RUN_ID).append(' ')
                .append(SEQUENCE.incrementAndGet()).append(':');
        for (int i = 0; i < tokens + 8; i++) {
            text.append(" word"); // one token each
        }
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text
                + "\"}]}],\"generationConfig\":{\"maxOutputTokens\":" + tokens + "}}";
        return HttpRequest.newBuilder(streamUri())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("x-goog-api-key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** A tag for wrk's Lua script, so that its prompts never repeat those of the Java driver. */
    String wrkTag() {
        return name + " " + RUN_ID + " wrk" + SEQUENCE.incrementAndGet();
    }
}
