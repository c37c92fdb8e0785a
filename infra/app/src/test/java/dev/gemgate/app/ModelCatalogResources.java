package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared PostgreSQL and an upstream of the model-catalog test's own: only a free port here. The test starts,
 * stops and restarts an emulator on that port ({@link ModelCatalogEndToEndTest}), so that the upstream can be down
 * before its first answer and go down under a running gateway, and so that its request log holds only this test's
 * traffic. Nothing calls the upstream at start-up (the catalog loads on the first model read), so the gateway boots
 * with nothing listening there yet.
 */
public class ModelCatalogResources implements QuarkusTestResourceLifecycleManager {
    static final String REFRESH = "10m";
    static final String RETRY_AFTER = "7s";

    private final EmbeddedPostgresTestResource postgres = new EmbeddedPostgresTestResource();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(postgres.start());
        config.put("gemgate.upstream.mode", "emulator");
        config.put("gemgate.upstream.base-url", "http://127.0.0.1:" + freePort());
        config.put("gemgate.models.refresh", REFRESH);
        config.put("gemgate.models.retry-after", RETRY_AFTER);
        // an audit spool of its own: one directory per running instance
        config.put("gemgate.audit.spool-dir", "target/model-catalog-test-audit-spool");
        return config;
    }

    @Override
    public void stop() {
        postgres.stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
