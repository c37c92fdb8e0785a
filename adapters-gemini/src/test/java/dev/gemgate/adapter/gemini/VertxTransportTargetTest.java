package dev.gemgate.adapter.gemini;

import io.vertx.core.http.RequestOptions;
import okhttp3.HttpUrl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class VertxTransportTargetTest {
    /** The parts taken from OkHttp's parsed URL are the ones Vert.x would parse out of the whole URL. */
    @ParameterizedTest
    @ValueSource(strings = {
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
            "https://us-central1-aiplatform.googleapis.com:443/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
            "http://127.0.0.1:23111/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            "http://localhost:8080/upload/v1beta/files?uploadType=resumable&x=a%20b%2Fc",
            "http://emulator/v1beta/models/a%3Ab:countTokens",
            "http://[::1]:9000/v1beta/models",
    })
    void the_target_is_what_the_whole_url_says(String url) {
        RequestOptions parsed = new RequestOptions().setAbsoluteURI(url);

        RequestOptions target = VertxTransport.target(HttpUrl.get(url));

        assertThat(target.getHost()).isEqualTo(parsed.getHost());
        assertThat(target.getPort()).isEqualTo(parsed.getPort());
        assertThat(target.isSsl()).isEqualTo(parsed.isSsl());
        assertThat(target.getURI()).isEqualTo(parsed.getURI());
    }
}
