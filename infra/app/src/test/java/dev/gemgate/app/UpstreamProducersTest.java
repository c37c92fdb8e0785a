package dev.gemgate.app;

import dev.gemgate.domain.upstream.UpstreamCredential;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The local run's in-process emulator, started as the app starts it (without Quarkus). */
class UpstreamProducersTest {

    @Test
    void theEmbeddedEmulatorKeepsNoRequestBodies() throws Exception {
        GemgateConfig config = new SmallRyeConfigBuilder()
                .withMapping(GemgateConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", Map.of("gemgate.upstream.mode", "emulator")) {
                })
                .build().getConfigMapping(GemgateConfig.class);
        UpstreamProducers producers = new UpstreamProducers();
        try {
            UpstreamCredential credential = producers.configured(config).credential();
            String baseUrl = credential.baseUrl().orElseThrow();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(baseUrl
                            + "/v1beta/models/gemini-2.5-flash:generateContent"))
                    .header("x-goog-api-key", credential.secret())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\""
                            + "A".repeat(1_000_000) + "\"}]}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(served.statusCode()).isEqualTo(200);

            HttpResponse<String> log = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/emulator/requests"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(log.statusCode()).isEqualTo(400);
            assertThat(log.body()).contains("does not record requests");
        } finally {
            producers.stop(null);
        }
    }
}
