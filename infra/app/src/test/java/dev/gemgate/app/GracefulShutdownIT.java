package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM with requests in flight against a slow upstream, on the packaged application: readiness goes DOWN at once,
 * new requests are refused (503 in Gemini's envelope) once the shutdown delay is over, every request
 * admitted before the signal is answered in full, the audit log keeps all of them (also those whose client went away
 * while their upstream call still ran), and the process exits 0 within the shutdown delay plus the drain time.
 */
class GracefulShutdownIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IN_FLIGHT = 64;
    private static final int ABANDONED = 8;
    private static final Duration UPSTREAM_LATENCY = Duration.ofSeconds(3);
    /** Longer than the others': Quarkus's HTTP drain is over before these upstream calls end. */
    private static final Duration ABANDONED_LATENCY = Duration.ofSeconds(5);
    private static final String SLOW_MODEL = "gemini-2.5-flash";
    /** Not slowed down: what a new request after the signal asks for. */
    private static final String FAST_MODEL = "gemini-2.5-flash-lite";
    private static final Duration SHUTDOWN_DELAY = Duration.ofSeconds(1);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void requestsInFlightAtSigtermAllCompleteAndNewOnesAreRefused() throws Exception {
        Path work = PackagedGemgate.freshWorkDirectory("graceful-shutdown");
        Set<String> requestIds = new HashSet<>();
        Set<String> abandonedIds = new HashSet<>();
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.builder().port(0).recordRequests(true).build());
             PackagedGemgate gateway = PackagedGemgate.builder(work)
                     .upstream(upstream.baseUrl())
                     .systemProperty("quarkus.shutdown.delay", SHUTDOWN_DELAY.toMillis() + "ms")
                     .systemProperty("quarkus.shutdown.timeout", DRAIN_TIMEOUT.toMillis() + "ms")
                     .start();
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // Warm the path (key lookup, pools, JIT) so that all requests are admitted well within the latency.
            for (int i = 0; i < 5; i++) {
                assertThat(client.send(generate(gateway, SLOW_MODEL, "warm-up " + i, null),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            upstream.clearRecordedRequests();
            upstream.faults().forModel(SLOW_MODEL).latency(IN_FLIGHT, UPSTREAM_LATENCY)
                    .latency(ABANDONED, ABANDONED_LATENCY);

            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                inFlight.add(client.sendAsync(generate(gateway, SLOW_MODEL, "in flight " + i, null),
                        HttpResponse.BodyHandlers.ofString()));
            }
            awaitUpstreamReceived(upstream, IN_FLIGHT, UPSTREAM_LATENCY);
            // Requests whose client goes away while their upstream call runs: the call is billed, so it is audited.
            try (HttpClient leaving = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                for (int i = 0; i < ABANDONED; i++) {
                    String id = "abandoned-" + i + "-" + UUID.randomUUID();
                    abandonedIds.add(id);
                    leaving.sendAsync(generate(gateway, SLOW_MODEL, "abandoned " + i, id),
                            HttpResponse.BodyHandlers.discarding());
                }
                awaitUpstreamReceived(upstream, IN_FLIGHT + ABANDONED, UPSTREAM_LATENCY);
                leaving.shutdownNow();
            }
            assertThat(inFlight).as("still in flight when the signal is sent").noneMatch(CompletableFuture::isDone);

            long signalledAt = System.nanoTime();
            gateway.terminate();

            assertThat(awaitReadinessDown(gateway))
                    .as("readiness reports DOWN while the requests are still in flight").isTrue();
            assertThat(inFlight).noneMatch(CompletableFuture::isDone);

            HttpResponse<String> refused = awaitRefusal(gateway);
            assertThat(Duration.ofNanos(System.nanoTime() - signalledAt))
                    .as("new requests are admitted no longer than the shutdown delay (plus scheduling slack)")
                    .isLessThan(SHUTDOWN_DELAY.plusMillis(1500));
            assertThat(inFlight).as("new requests are refused while the admitted ones still run")
                    .anyMatch(f -> !f.isDone());
            JsonNode error = JSON.readTree(refused.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(503);
            assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.headers().firstValue("Connection")).hasValue("close");
            assertThat(refused.headers().firstValue("x-gemgate-request-id")).isPresent();

            for (int i = 0; i < IN_FLIGHT; i++) {
                HttpResponse<String> response = join(inFlight.get(i));
                assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(200);
                JsonNode body = JSON.readTree(response.body());
                assertThat(body.at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: in flight " + i);
                assertThat(body.at("/modelVersion").asText()).isEqualTo(SLOW_MODEL);
                assertThat(body.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
                assertThat(body.at("/usageMetadata/totalTokenCount").asLong()).isPositive();
                requestIds.add(response.headers().firstValue("x-gemgate-request-id").orElseThrow());
            }

            int exitCode = gateway.awaitExit(SHUTDOWN_DELAY.plus(DRAIN_TIMEOUT));
            assertThat(exitCode).as("exit code; log %s", gateway.logFile()).isZero();
            assertThat(gateway.output())
                    .contains("Shutting down: readiness is DOWN")
                    .contains("0 lost since start")
                    .doesNotContain("Timed out waiting for graceful shutdown")
                    .doesNotContain("ArC container not initialized");
        }

        assertThat(requestIds).hasSize(IN_FLIGHT);
        Path data = PackagedGemgate.builder(work).dataDirectory();
        try (EmbeddedPostgresServer postgres = PackagedGemgate.startDatabase(data)) {
            assertThat(PackagedGemgate.auditedIds(postgres.jdbcUrl(), "request_id", requestIds)).as("audit events of the drained requests")
                    .containsExactlyInAnyOrderElementsOf(requestIds);
            assertThat(PackagedGemgate.auditedIds(postgres.jdbcUrl(), "correlation_id", abandonedIds))
                    .as("audit events of the requests whose client went away during their upstream call")
                    .containsExactlyInAnyOrderElementsOf(abandonedIds);
        }
    }

    private static HttpRequest generate(PackagedGemgate gateway, String model, String text, String requestId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        gateway.baseUri().resolve("/v1beta/models/" + model + ":generateContent"))
                .timeout(Duration.ofSeconds(30))
                .header("x-goog-api-key", gateway.demoKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}"));
        if (requestId != null) {
            request.header("x-request-id", requestId);
        }
        return request.build();
    }

    private static void awaitUpstreamReceived(GeminiEmulator upstream, int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (generateCalls(upstream) < count) {
            assertThat(System.nanoTime()).as("the upstream received %d of %d requests", generateCalls(upstream), count)
                    .isLessThan(deadline);
            pause(10);
        }
    }

    private static long generateCalls(GeminiEmulator upstream) {
        return upstream.recordedRequests().stream().map(RecordedRequest::path)
                .filter(p -> p.endsWith(":generateContent")).count();
    }

    /** Polls readiness; true once it reports DOWN (503), false if the server went away first. */
    private static boolean awaitReadinessDown(PackagedGemgate gateway) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try (HttpClient probe = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                try {
                    int status = probe.send(HttpRequest.newBuilder(gateway.readinessUri()).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 503) {
                        return true;
                    }
                    assertThat(status).isEqualTo(200);
                } catch (IOException e) {
                    return false;
                }
                pause(10);
            }
        }
        return false;
    }

    /**
     * Sends a new request on a new connection every few milliseconds: during the shutdown delay it may still be
     * served (200); after it, it must get a 503 (the server still listens while it drains). Anything else fails.
     */
    private static HttpResponse<String> awaitRefusal(PackagedGemgate gateway) throws InterruptedException {
        long deadline = System.nanoTime() + SHUTDOWN_DELAY.plusSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build()) {
                HttpResponse<String> response = fresh.send(generate(gateway, FAST_MODEL, "after the signal", null),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 503) {
                    return response;
                }
                assertThat(response.statusCode()).as("a new request during the shutdown delay: %s", response.body())
                        .isEqualTo(200);
            } catch (IOException e) {
                throw new AssertionError("a new request while draining got no answer", e);
            }
            pause(25);
        }
        throw new AssertionError("new requests were still served " + SHUTDOWN_DELAY.plusSeconds(5) + " after SIGTERM");
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw new AssertionError("an admitted request failed: " + e.getCause(), e.getCause());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
