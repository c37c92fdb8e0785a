package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gemgate.upstream.extra-trusted-certificates-file: a PEM of CA certificates, or a clear refusal at start-up;
 * gemgate.upstream.transport: Vert.x's client unless the JVM has a proxy only the SDK's client follows.
 */
class GenerationPortProducerTest {
    @Test
    void theVertxTransportIsUsedUnlessOkHttpIsAskedForOrTheJvmHasAProxy() {
        Properties none = new Properties();
        assertThat(GenerationPortProducer.transport(GemgateConfig.Upstream.Transport.VERTX, none))
                .isEqualTo(GenAiSettings.Transport.VERTX);
        assertThat(GenerationPortProducer.transport(GemgateConfig.Upstream.Transport.OKHTTP, none))
                .isEqualTo(GenAiSettings.Transport.OKHTTP);
        for (String key : List.of("https.proxyHost", "http.proxyHost", "socksProxyHost")) {
            Properties proxied = new Properties();
            proxied.setProperty(key, "proxy.internal");
            assertThat(GenerationPortProducer.transport(GemgateConfig.Upstream.Transport.VERTX, proxied)).as(key)
                    .isEqualTo(GenAiSettings.Transport.OKHTTP);
        }
        Properties system = new Properties();
        system.setProperty("java.net.useSystemProxies", "true");
        assertThat(GenerationPortProducer.jvmProxyConfigured(system)).isTrue();
        system.setProperty("java.net.useSystemProxies", "false");
        system.setProperty("https.proxyHost", " ");
        assertThat(GenerationPortProducer.jvmProxyConfigured(system)).isFalse();
    }

    @Test
    void aPemFileOfCaCertificatesIsRead() throws URISyntaxException {
        Path pem = Path.of(Objects.requireNonNull(getClass().getResource("/tls/test-proxy-ca.pem")).toURI());

        assertThat(GenerationPortProducer.readCertificates(pem)).singleElement().satisfies(c ->
                assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=Gemgate test proxy CA"));
    }

    @Test
    void aFileThatIsNotPemStopsTheStartNamingTheSetting(@TempDir Path dir) throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");

        assertThatThrownBy(() -> GenerationPortProducer.readCertificates(notPem))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.upstream.extra-trusted-certificates-file").hasMessageContaining("ca.pem");
        assertThatThrownBy(() -> GenerationPortProducer.readCertificates(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalStateException.class);
    }
}
