package dev.gemgate.adapter.gemini;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What the SDK builds for the Vert.x transport: kept per path with an API key, built per call for Vertex AI. */
class RawRequestsTest {
    private static final String BASE = "http://127.0.0.1:9";
    private final OkHttpClient okHttp = new OkHttpClient();
    private RawRequests raw;

    @AfterEach
    void close() {
        if (raw != null) {
            raw.close();
        }
        okHttp.dispatcher().executorService().shutdown();
    }

    @Test
    void withAnApiKeyEachPathsHeadIsBuiltOnceAndCarriesTheKeyTheUrlAndTheContentType() {
        raw = new RawRequests("upstream-key", HttpOptions.builder().baseUrl(BASE).apiVersion("v1beta").build(),
                ClientOptions.builder().customHttpClient(okHttp).build());

        Request head = raw.head("models/gemini-2.5-flash:generateContent");

        assertThat(raw.head("models/gemini-2.5-flash:generateContent")).isSameAs(head);
        assertThat(head.method()).isEqualTo("POST");
        assertThat(head.url().toString()).isEqualTo(BASE + "/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(head.header("x-goog-api-key")).isEqualTo("upstream-key");
        assertThat(head.header("x-goog-api-client")).startsWith("google-genai-sdk/");
        assertThat(head.body().contentType().toString()).startsWith("application/json");
        Request other = raw.head("models/gemini-2.5-pro:generateContent");
        assertThat(other).isNotSameAs(head);
        assertThat(other.url().encodedPath()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
    }

    @Test
    void pastTheLimitOfKeptPathsAHeadIsStillBuiltForEachCall() {
        raw = new RawRequests("upstream-key", HttpOptions.builder().baseUrl(BASE).apiVersion("v1beta").build(),
                ClientOptions.builder().customHttpClient(okHttp).build());
        for (int i = 0; i < RawRequests.MAX_KEPT_HEADS; i++) {
            raw.head("models/m-" + i + ":generateContent");
        }

        Request once = raw.head("models/one-more:generateContent");

        assertThat(raw.head("models/one-more:generateContent")).isNotSameAs(once)
                .satisfies(again -> assertThat(again.url()).isEqualTo(once.url()));
    }

    @Test
    void withVertexAiEveryHeadCarriesTheCredentialsCurrentAccessToken() {
        AtomicInteger refreshes = new AtomicInteger();
        GoogleCredentials credentials = new GoogleCredentials() {
            @Override
            public AccessToken refreshAccessToken() {
                // expires at once: the SDK refreshes it before each request it builds
                return new AccessToken("token-" + refreshes.incrementAndGet(), Date.from(Instant.now()));
            }
        };
        raw = new RawRequests("my-project", "us-central1", credentials,
                HttpOptions.builder().baseUrl(BASE).apiVersion("v1beta1").headers(Map.of()).build(),
                ClientOptions.builder().customHttpClient(okHttp).build());

        String first = raw.head("publishers/google/models/gemini-2.5-flash:generateContent").header("Authorization");
        String second = raw.head("publishers/google/models/gemini-2.5-flash:generateContent").header("Authorization");

        assertThat(first).startsWith("Bearer token-");
        assertThat(second).startsWith("Bearer token-").isNotEqualTo(first);
    }
}
