package dev.gemgate.adapter.gemini;

import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenAiSettingsTest {
    @Test
    void byDefaultOnlyTheJdksAuthoritiesAreTrusted() {
        assertThat(GenAiSettings.defaults().extraTrustedCertificates()).isEmpty();
        assertThat(GenAiSettings.defaults().withGeminiApiVersion("v1").extraTrustedCertificates()).isEmpty();
    }

    @Test
    void aPemBundleReadsIntoCertificates() {
        HeldCertificate first = new HeldCertificate.Builder().commonName("first").certificateAuthority(0).build();
        HeldCertificate second = new HeldCertificate.Builder().commonName("second").certificateAuthority(0).build();

        assertThat(GenAiSettings.certificatesFromPem(first.certificatePem() + "\n" + second.certificatePem()))
                .containsExactly(first.certificate(), second.certificate());
    }

    @Test
    void textWithoutACertificateIsRefused() {
        assertThatThrownBy(() -> GenAiSettings.certificatesFromPem("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GenAiSettings.certificatesFromPem(
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCertificateListIsCopied() {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
        java.util.List<java.security.cert.X509Certificate> list = new java.util.ArrayList<>();
        list.add(ca.certificate());
        GenAiSettings settings = GenAiSettings.defaults().withExtraTrustedCertificates(list);
        list.clear();

        assertThat(settings.extraTrustedCertificates()).containsExactly(ca.certificate());
        assertThat(settings.withGeminiApiVersion("v1").extraTrustedCertificates()).containsExactly(ca.certificate());
    }
}
