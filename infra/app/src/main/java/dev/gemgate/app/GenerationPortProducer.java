package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiGenerationAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;
import jakarta.enterprise.event.Observes;
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
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The upstream port ({@code GenerationPort}) on Google's SDK, behind the circuit breakers and bulkheads of
 * {@link GuardedGenerationPort} (also the {@link UpstreamCircuits} bean), counted by {@link UpstreamCallsInFlight} so
 * that a shutdown waits for the calls in progress; the SDK clients (one per credential) are closed when the beans are
 * destroyed, after that wait ({@link GracefulShutdown}).
 *
 * <p>The count is the outer layer: it lasts until the guarded call has returned, which for a failed stream is after the
 * guard handed the held-back failure to the observer (and so to the use case that settles and audits the call). A call
 * the guard refuses is counted too, for the instant it takes: no upstream call is made, and nothing waits on it.
 */
public class GenerationPortProducer {
    private static final Logger LOG = Logger.getLogger(GenerationPortProducer.class);

    @Produces
    @Singleton
    @Typed(GenAiGenerationAdapter.class)
    GenAiGenerationAdapter adapter(GemgateConfig config, Vertx vertx) {
        GenAiSettings settings = GenAiSettings.defaults().withGeminiApiVersion(config.upstream().apiVersion())
                .withTransport(transport(config.upstream().transport(), System.getProperties()));
        Optional<Path> extraCas = config.upstream().extraTrustedCertificatesFile();
        if (extraCas.isPresent()) {
            settings = settings.withExtraTrustedCertificates(readCertificates(extraCas.get()));
        }
        return new GenAiGenerationAdapter(settings.withEmbedBatching(embedBatching(config)), vertx);
    }

    /**
     * gemgate.upstream.transport. Vert.x's client does not read the JVM's proxy settings, which the SDK's OkHttp client
     * follows: where one is set (an egress proxy in front of Google), the SDK's client carries every call, as before
     * the Vert.x transport, rather than calls going around the proxy.
     */
    static GenAiSettings.Transport transport(GemgateConfig.Upstream.Transport configured, Properties system) {
        if (configured == GemgateConfig.Upstream.Transport.OKHTTP) {
            return GenAiSettings.Transport.OKHTTP;
        }
        if (jvmProxyConfigured(system)) {
            LOG.info("gemgate.upstream.transport: the JVM has proxy settings, which only the SDK's own client follows:"
                    + " upstream calls go through it (okhttp)");
            return GenAiSettings.Transport.OKHTTP;
        }
        return GenAiSettings.Transport.VERTX;
    }

    /** A proxy for HTTP, HTTPS or SOCKS in the JVM's properties, or the operating system's proxies asked for. */
    static boolean jvmProxyConfigured(Properties system) {
        return Stream.of("http.proxyHost", "https.proxyHost", "socksProxyHost")
                .anyMatch(key -> !system.getProperty(key, "").isBlank())
                || Boolean.parseBoolean(system.getProperty("java.net.useSystemProxies"));
    }

    /** gemgate.upstream.embed-batching.*: a value out of range stops the start, naming its setting. */
    static dev.gemgate.adapter.gemini.EmbedBatching embedBatching(GemgateConfig config) {
        GemgateConfig.Upstream.EmbedBatching batching = config.upstream().embedBatching();
        try {
            return new dev.gemgate.adapter.gemini.EmbedBatching(batching.enabled(), batching.window(),
                    batching.maxRequests());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.upstream.embed-batching: " + e.getMessage(), e);
        }
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
    @Typed({GuardedGenerationPort.class, UpstreamCircuits.class})
    GuardedGenerationPort guarded(GenAiGenerationAdapter adapter, GemgateConfig config, MeterRegistry registry) {
        return new GuardedGenerationPort(adapter, circuitSettings(config), registry);
    }

    /** gemgate.upstream.circuit.* and gemgate.upstream.bulkhead.*: a value out of range names its setting. */
    static CircuitSettings circuitSettings(GemgateConfig config) {
        GemgateConfig.Upstream.Circuit circuit = config.upstream().circuit();
        try {
            return new CircuitSettings(circuit.enabled(), circuit.window(), circuit.failureRatio(), circuit.openFor(),
                    circuit.probes(), config.upstream().bulkhead().maxInFlightPerCredential());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The port is built at the first upstream call: settings it would refuse fail the start instead. */
    void checkCircuitSettings(@Observes StartupEvent event, GemgateConfig config) {
        circuitSettings(config);
        embedBatching(config);
    }

    @Produces
    @Singleton
    UpstreamCallsInFlight upstream(GuardedGenerationPort guarded) {
        return new UpstreamCallsInFlight(guarded);
    }

    void close(@Disposes GuardedGenerationPort guarded) {
        guarded.close();
    }

    void close(@Disposes GenAiGenerationAdapter adapter) {
        adapter.close();
    }
}
