package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiGenerationAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The upstream port ({@code GenerationPort}) on Google's SDK, counted by {@link UpstreamCallsInFlight} so that a
 * shutdown waits for the calls in progress; the SDK clients (one per credential) are closed when the beans are
 * destroyed, after that wait ({@link GracefulShutdown}).
 */
public class GenerationPortProducer {
    @Produces
    @Singleton
    @Typed(GenAiGenerationAdapter.class)
    GenAiGenerationAdapter adapter(GemgateConfig config) {
        GenAiSettings settings = GenAiSettings.defaults().withGeminiApiVersion(config.upstream().apiVersion());
        Optional<Path> extraCas = config.upstream().extraTrustedCertificatesFile();
        if (extraCas.isPresent()) {
            settings = settings.withExtraTrustedCertificates(readCertificates(extraCas.get()));
        }
        return new GenAiGenerationAdapter(settings);
    }

    /** A PEM file of CA certificates (a TLS-inspecting proxy's); a file that cannot be read stops the start. */
    static List<X509Certificate> readCertificates(Path file) {
        try {
            return GenAiSettings.certificatesFromPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.upstream.extra-trusted-certificates-file " + file
                    + " is not a readable PEM file of certificates: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    UpstreamCallsInFlight upstream(GenAiGenerationAdapter adapter) {
        return new UpstreamCallsInFlight(adapter);
    }

    void close(@Disposes GenAiGenerationAdapter adapter) {
        adapter.close();
    }
}
