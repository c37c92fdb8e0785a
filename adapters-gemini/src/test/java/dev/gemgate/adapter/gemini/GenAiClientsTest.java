package dev.gemgate.adapter.gemini;

import okhttp3.OkHttpClient;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            assertThat(clients.poolShards()).isEqualTo(GenAiSettings.DEFAULT_POOL_SHARDS);
        }
    }

    @Test
    void extraTrustedCertificatesAreTrustedBesidesTheJdksOwnAuthorities() throws Exception {
        HeldCertificate proxyCa = new HeldCertificate.Builder().commonName("Corporate TLS inspection CA")
                .certificateAuthority(0).build();
        HeldCertificate stranger = new HeldCertificate.Builder().commonName("stranger").build();
        GenAiSettings settings = GenAiSettings.defaults()
                .withExtraTrustedCertificates(List.of(proxyCa.certificate()));
        int jdkAuthorities;
        try (GenAiClients jdkOnly = new GenAiClients(GenAiSettings.defaults())) {
            jdkAuthorities = jdkOnly.transport().x509TrustManager().getAcceptedIssuers().length;
        }

        try (GenAiClients clients = new GenAiClients(settings)) {
            X509Certificate[] issuers = clients.transport().x509TrustManager().getAcceptedIssuers();

            assertThat(jdkAuthorities).isGreaterThan(50);
            assertThat(issuers).hasSize(jdkAuthorities + 1).contains(proxyCa.certificate());
            HeldCertificate upstream = new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
                    .signedBy(proxyCa).build();
            clients.transport().x509TrustManager().checkServerTrusted(
                    new X509Certificate[]{upstream.certificate(), proxyCa.certificate()}, "ECDHE_ECDSA");
            assertThatThrownBy(() -> clients.transport().x509TrustManager().checkServerTrusted(
                    new X509Certificate[]{stranger.certificate()}, "ECDHE_ECDSA"))
                    .isInstanceOf(CertificateException.class);
        }
    }

    @Test
    void rawCallsAreSpreadOverSeparateConnectionPools() {
        dev.gemgate.domain.upstream.UpstreamCredential credential = dev.gemgate.domain.upstream.UpstreamCredential
                .apiKey(new dev.gemgate.domain.upstream.UpstreamCredentialId("spread"), "k",
                        java.util.Optional.of("http://127.0.0.1:9"));
        try (GenAiClients clients = new GenAiClients(GenAiSettings.defaults())) {
            java.util.Set<okhttp3.ConnectionPool> pools = new java.util.HashSet<>();
            for (int i = 0; i < 500; i++) {
                pools.add(clients.rawClientFor(credential).httpClient().connectionPool());
            }
            // OkHttp scans a whole pool for each new call: eight pools, each scanned by an eighth of the calls
            assertThat(pools).hasSize(GenAiSettings.DEFAULT_POOL_SHARDS);
        }
        try (GenAiClients one = new GenAiClients(GenAiSettings.defaults().withPoolShards(1))) {
            assertThat(one.rawClientFor(credential).httpClient().connectionPool())
                    .isSameAs(one.rawClientFor(credential).httpClient().connectionPool());
        }
    }
}
