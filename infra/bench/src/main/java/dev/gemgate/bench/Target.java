package dev.gemgate.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One way to reach the same upstream (direct, nginx, Gemgate): the generateContent and streamGenerateContent URLs and
 * the key to send.
 * Every request carries a different prompt, so no response cache anywhere on the path can answer it.
 */
record Target(String name, URI base, String apiKey, String model, int maxOutputTokens) {

    private static final String RUN_ID = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    URI generateUri() {
        return URI.create(base + "/v1beta/models/" + model + ":generateContent");
    }

    /** A unique request body: same size and shape on every path. */
    String body() {
        return body(name + " " + RUN_ID + " " + SEQUENCE.incrementAndGet());
    }

    String body(String tag) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Benchmark request " + tag
                + ": reply with a short sentence.\"}]}],\"generationConfig\":{\"maxOutputTokens\":" + maxOutputTokens + "}}";
    }

    HttpRequest request(Duration timeout) {
        return HttpRequest.newBuilder(generateUri())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("x-goog-api-key", apiKey)
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
