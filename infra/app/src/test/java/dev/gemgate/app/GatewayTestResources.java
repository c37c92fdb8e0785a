package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresTestResource;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * A real PostgreSQL (embedded, or the one named by QUARKUS_DATASOURCE_JDBC_URL) and a real Gemini emulator over
 * HTTP, both started once per test JVM and shared by every @QuarkusTest of the app.
 */
public class GatewayTestResources implements QuarkusTestResourceLifecycleManager {
    private static GeminiEmulator emulator;
    private final EmbeddedPostgresTestResource postgres = new EmbeddedPostgresTestResource();

    public static synchronized GeminiEmulator emulator() {
        if (emulator == null) {
            emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        }
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(postgres.start());
        config.put("gemgate.upstream.mode", "emulator");
        config.put("gemgate.upstream.base-url", emulator().baseUrl());
        return config;
    }

    @Override
    public void stop() {
        postgres.stop();
    }
}
