package dev.gemgate.app;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Chooses the upstream of the configured credential (the pool adds the credentials added through the admin API):
 * Google (gemini or vertex mode) or, by default, the Gemini emulator. In emulator mode without
 * a base URL, the emulator runs in this process on {@code gemgate.emulator.port}.
 */
@ApplicationScoped
public class UpstreamProducers {
    private static final Logger LOG = Logger.getLogger(UpstreamProducers.class);
    /** The key Gemgate presents to its own emulator; not a secret (the emulator accepts any key by default). */
    static final String EMULATOR_KEY = "emulator-upstream-key";

    private volatile GeminiEmulator embeddedEmulator;

    /**
     * The deployment's own credential, the first member of the pool ({@link ResilienceWiring}): the emulator's key,
     * {@code GEMINI_API_KEY}, or the Vertex AI settings; its id is {@code configured-<mode>}.
     */
    @Produces
    @Singleton
    ConfiguredUpstream configured(GemgateConfig config) {
        GemgateConfig.Upstream upstream = config.upstream();
        UpstreamCredentialId id = new UpstreamCredentialId("configured-" + upstream.mode().name().toLowerCase());
        return new ConfiguredUpstream(switch (upstream.mode()) {
            case EMULATOR -> UpstreamCredential.apiKey(id, EMULATOR_KEY,
                    Optional.of(upstream.baseUrl().orElseGet(() -> startEmbeddedEmulator(config.emulator().port()))));
            case GEMINI -> UpstreamCredential.apiKey(id, upstream.apiKey().filter(k -> !k.isBlank())
                            .orElseThrow(() -> new IllegalStateException(
                                    "gemgate.upstream.mode=gemini needs GEMINI_API_KEY (gemgate.upstream.api-key)")),
                    upstream.baseUrl());
            case VERTEX -> new UpstreamCredential(id, UpstreamCredential.Mode.VERTEX_AI, vertexSecret(upstream),
                    upstream.baseUrl(), Optional.of(upstream.vertexProject().orElseThrow(() ->
                    new IllegalStateException("gemgate.upstream.mode=vertex needs gemgate.upstream.vertex-project"))),
                    Optional.of(upstream.vertexLocation()));
        });
    }

    private static String vertexSecret(GemgateConfig.Upstream upstream) {
        return upstream.vertexCredentialsFile().map(path -> {
            try {
                return Files.readString(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Vertex AI credentials file " + path, e);
            }
        }).orElseThrow(() -> new IllegalStateException(
                "gemgate.upstream.mode=vertex needs gemgate.upstream.vertex-credentials-file (a service-account JSON)"));
    }

    private String startEmbeddedEmulator(int port) {
        // no request recording: it is for tests, and would keep request bodies in the gateway's heap
        embeddedEmulator = GeminiEmulator.start(EmulatorConfig.builder().port(port).recordRequests(false).build());
        LOG.infof("Upstream: the in-process Gemini EMULATOR at %s (not Google)", embeddedEmulator.baseUrl());
        return embeddedEmulator.baseUrl();
    }

    /** What the portal shows about the upstream; it must say plainly when it is the emulator. */
    @Produces
    @Singleton
    GatewayInfo gatewayInfo(GemgateConfig config) {
        GemgateConfig.Upstream upstream = config.upstream();
        return switch (upstream.mode()) {
            case EMULATOR -> new GatewayInfo("Gemini emulator" + upstream.baseUrl().map(u -> " at " + u)
                    .orElse(" (in-process)"), true);
            case GEMINI -> new GatewayInfo("Gemini Developer API" + upstream.baseUrl().map(u -> " at " + u)
                    .orElse(""), false);
            case VERTEX -> new GatewayInfo("Vertex AI, project " + upstream.vertexProject().orElse("?") + " in "
                    + upstream.vertexLocation(), false);
        };
    }

    void stop(@Observes ShutdownEvent event) {
        GeminiEmulator emulator = embeddedEmulator;
        if (emulator != null) {
            emulator.close();
        }
    }
}
