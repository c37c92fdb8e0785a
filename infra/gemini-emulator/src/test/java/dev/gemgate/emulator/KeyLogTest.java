package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class KeyLogTest {

    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    EmulatorClient.Reply post(String path, String body, String header, String value) {
        HttpRequest.Builder request = client.request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            request.header(header, value);
        }
        return client.send(request.build());
    }

    EmulatorClient.Reply generate(String key) {
        return post(GENERATE, EmulatorClient.userText("x"), "x-goog-api-key", key);
    }

    @Test
    void countsModelCallsPerCredentialHowEverTheyCarryIt() {
        Instant before = Instant.now();
        generate("alpha-key-0001");
        post(GENERATE + "?key=alpha-key-0001", EmulatorClient.userText("x"), null, null);
        post("/v1/models/gemini-2.5-flash:countTokens", EmulatorClient.userText("x"), "x-goog-api-key",
                "alpha-key-0001");
        post("/v1/models/gemini-embedding-001:embedContent", "{\"content\":{\"parts\":[{\"text\":\"x\"}]}}",
                "Authorization", "Bearer beta-token-0002");
        post("/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-embedding-001:predict",
                "{\"instances\":[{\"content\":\"x\"}]}", "Authorization", "Bearer beta-token-0002");
        // not counted: the models list and get, control endpoints, calls without a credential
        client.get("/v1beta/models");
        client.get("/v1beta/models/gemini-2.5-flash");
        client.get("/emulator/health");
        assertThat(post(GENERATE, EmulatorClient.userText("x"), null, null).status()).isEqualTo(403);
        Instant after = Instant.now();

        KeyLog log = emulator.keyLog();
        KeyLog.KeyUsage alpha = log.usage("alpha-key-0001").orElseThrow();
        assertThat(alpha.calls()).isEqualTo(3);
        assertThat(alpha.inFlight()).isZero();
        assertThat(alpha.firstSeen()).isBetween(before, after);
        assertThat(alpha.lastSeen()).isBetween(alpha.firstSeen(), after);
        assertThat(log.calls("beta-token-0002")).isEqualTo(2);
        assertThat(log.all()).extracting(KeyLog.KeyUsage::key)
                .containsExactly("alpha-key-0001", "beta-token-0002");
        assertThat(log.calls(EmulatorClient.KEY)).isZero();
        assertThat(log.usage("never-seen")).isEmpty();
    }

    @Test
    void refusedFaultedAndInvalidCallsAreCountedToo() {
        emulator.faults().forApiKey("gamma-key-0003").reject(1, 403).serverError(1, 503);
        assertThat(generate("gamma-key-0003").status()).isEqualTo(403);
        assertThat(generate("gamma-key-0003").status()).isEqualTo(503);
        assertThat(post(GENERATE, "not json", "x-goog-api-key", "gamma-key-0003").status()).isEqualTo(400);
        assertThat(post("/v1beta/models/no-such-model:generateContent", EmulatorClient.userText("x"),
                "x-goog-api-key", "gamma-key-0003").status()).isEqualTo(404);
        assertThat(emulator.keyLog().calls("gamma-key-0003")).isEqualTo(4);
    }

    @Test
    void aCallIsInFlightUntilTheEmulatorIsDoneWithIt() throws Exception {
        emulator.faults().stallStreamAfter(1, 1);
        HttpRequest request = client.request(STREAM).header("x-goog-api-key", "delta-key-0004")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("one two three four"))).build();
        CompletableFuture<HttpResponse<String>> stream = client.http.sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        emulator.awaitStalledStreams(1, Duration.ofSeconds(5));
        assertThat(emulator.keyLog().inFlight("delta-key-0004")).isEqualTo(1);
        assertThat(generate("delta-key-0004").status()).isEqualTo(200);
        assertThat(emulator.keyLog().usage("delta-key-0004").orElseThrow().calls()).isEqualTo(2);

        emulator.resumeStalledStreams();
        assertThat(stream.get().statusCode()).isEqualTo(200);
        awaitTrue(() -> emulator.keyLog().inFlight("delta-key-0004") == 0);
        assertThat(emulator.keyLog().calls("delta-key-0004")).isEqualTo(2);
    }

    @Test
    void aMarkerTellsExactlyHowManyCallsAKeyStartedSince() {
        KeyLog log = emulator.keyLog();
        for (int i = 0; i < 3; i++) {
            generate("old-key-0005");
        }
        generate("new-key-0006");
        KeyLog.Marker drain = log.mark();
        assertThat(log.callsSince("old-key-0005", drain)).isZero();

        generate("new-key-0006");
        generate("new-key-0006");
        generate("third-key-0007");
        assertThat(log.callsSince("old-key-0005", drain)).isZero();
        assertThat(log.callsSince("new-key-0006", drain)).isEqualTo(2);
        assertThat(log.callsSince("third-key-0007", drain)).isEqualTo(1);
        assertThat(log.callsSince("never-seen", drain)).isZero();
        assertThat(log.usage("old-key-0005").orElseThrow().lastSeen()).isBefore(log.usage("third-key-0007")
                .orElseThrow().lastSeen());

        generate("old-key-0005");
        assertThat(log.callsSince("old-key-0005", drain)).isEqualTo(1);

        log.clear();
        assertThat(log.all()).isEmpty();
        assertThat(log.callsSince("new-key-0006", drain)).isZero();
        generate("new-key-0006");
        assertThat(log.callsSince("new-key-0006", drain)).isEqualTo(1);
    }

    @Test
    void countsAreExactUnder32ConcurrentClients() throws Exception {
        int threads = 32;
        int callsEach = 100;
        String[] keys = {"conc-key-a", "conc-key-b", "conc-key-c", "conc-key-d"};
        KeyLog.Marker start = emulator.keyLog().mark();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                String key = keys[t % keys.length];
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < callsEach; i++) {
                        HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + GENERATE))
                                .header("x-goog-api-key", key).timeout(Duration.ofSeconds(20))
                                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("c" + i))).build();
                        if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(callsEach);
            }
        }
        long perKey = (long) threads / keys.length * callsEach;
        awaitTrue(() -> emulator.keyLog().all().stream().allMatch(u -> u.inFlight() == 0));
        for (String key : keys) {
            KeyLog.KeyUsage usage = emulator.keyLog().usage(key).orElseThrow();
            assertThat(usage.calls()).as(key).isEqualTo(perKey);
            assertThat(emulator.keyLog().callsSince(key, start)).isEqualTo(perKey);
        }
    }

    @Test
    void theLogItselfCountsExactlyUnderContention() throws Exception {
        KeyLog log = new KeyLog();
        int threads = 32;
        int callsEach = 10_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String key = "k" + (t % 2);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < callsEach; i++) {
                        log.start(key).finish();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(log.all()).extracting(KeyLog.KeyUsage::calls).containsOnly((long) threads / 2 * callsEach);
        assertThat(log.all()).extracting(KeyLog.KeyUsage::inFlight).containsOnly(0);
        KeyLog.Entry open = log.start("k0");
        assertThat(log.inFlight("k0")).isEqualTo(1);
        open.finish();
        assertThat(log.inFlight("k0")).isZero();
    }

    @Test
    void overHttpTheKeysAreMaskedToTheirLastFourCharactersAndDeleteClears() {
        generate("secret-key-abcd");
        generate("secret-key-abcd");
        generate("xyz");
        EmulatorClient.Reply listed = control("GET");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain("secret-key");
        JsonNode keys = listed.json().path("keys");
        assertThat(keys).hasSize(2);
        JsonNode first = keys.get(0);
        assertThat(first.path("key").asText()).isEqualTo("...abcd");
        assertThat(first.path("calls").asLong()).isEqualTo(2);
        assertThat(first.path("inFlight").asInt()).isZero();
        assertThat(Instant.parse(first.path("firstSeen").asText()))
                .isEqualTo(emulator.keyLog().usage("secret-key-abcd").orElseThrow().firstSeen());
        assertThat(Instant.parse(first.path("lastSeen").asText())).isAfterOrEqualTo(
                Instant.parse(first.path("firstSeen").asText()));
        assertThat(keys.get(1).path("key").asText()).isEqualTo("...");

        EmulatorClient.Reply cleared = control("DELETE");
        assertThat(cleared.json().path("keys")).isEmpty();
        assertThat(emulator.keyLog().all()).isEmpty();
        assertThat(control("PUT").status()).isEqualTo(405);
    }

    EmulatorClient.Reply control(String method) {
        return client.send(client.request("/emulator/keys").method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    /** The call's counters are released just after its response is written: wait for that, up to 5 s. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
