package dev.gemgate.emulator;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTest {

    @Test
    void holdsManyConcurrentDelayedRequests() {
        int concurrent = 500;
        try (GeminiEmulator emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(false).build())) {
            emulator.faults().latency(-1, Duration.ofMillis(400));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                HttpRequest request = HttpRequest.newBuilder(
                                java.net.URI.create(emulator.baseUrl() + "/v1beta/models/gemini-2.5-flash:generateContent"))
                        .header("x-goog-api-key", "k").timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("request " + i))).build();
                futures.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < concurrent; i++) {
                HttpResponse<String> response = futures.get(i).join();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("Echo: request " + i + "\"");
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // served in parallel: far less than 500 x 400 ms
            assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void holdsManyConcurrentPacedStreams() {
        int concurrent = 300;
        try (GeminiEmulator emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build())) {
            // 3 chunks of 2 tokens, each 300 ms after the previous: about 0.9 s per stream if they run side by side
            emulator.faults().chunkDelay(-1, Duration.ofMillis(300));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(emulator.baseUrl()
                                + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                        .header("x-goog-api-key", "k").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.userText("one two three"))).build();
                futures.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < concurrent; i++) {
                HttpResponse<String> response = futures.get(i).join();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body().split("\r\n\r\n")).hasSize(3);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // side by side: far less than 300 x 0.9 s
            assertThat(elapsed).isLessThan(Duration.ofSeconds(15));
            emulator.streamLog().awaitCount(StreamLog.End.COMPLETED, concurrent, Duration.ofSeconds(5));
            assertThat(emulator.streamLog().records()).isEmpty();
        }
    }
}
