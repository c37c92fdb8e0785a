package dev.gemgate.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gemgate.upstream.extra-trusted-certificates-file: a PEM of CA certificates, or a clear refusal at start-up. */
class GenerationPortProducerTest {
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
