package dev.gemgate.adapter.gemini;

import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenAiClientsTest {
    @Test
    void theSharedTransportNeverCutsASlowGenerationAndKeepsConnectionsForReuse() {
        try (GenAiClients clients = new GenAiClients(GenAiSettings.defaults())) {
            OkHttpClient transport = clients.transport();
            // OkHttp's defaults (10 s) would fail any non-streamed generation slower than that; the deadline of each
            // call is its UpstreamCallGuard instead (see the hang tests of GenAiGenerationAdapterTest)
            assertThat(transport.readTimeoutMillis()).isZero();
            assertThat(transport.writeTimeoutMillis()).isZero();
            assertThat(transport.callTimeoutMillis()).isZero();
            assertThat(transport.connectTimeoutMillis()).isEqualTo(10_000);
            assertThat(transport.dispatcher().getMaxRequestsPerHost()).isGreaterThanOrEqualTo(1_000);
            assertThat(transport.interceptors()).contains(UpstreamCallGuard.INTERCEPTOR);
        }
    }
}
