package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresTestResource;
import dev.gemgate.app.oidc.KeycloakServer;
import dev.gemgate.app.oidc.KeycloakTestResource;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * A real PostgreSQL (embedded, or the one named by QUARKUS_DATASOURCE_JDBC_URL), a real Gemini emulator over HTTP and
 * a real Keycloak for the admin API's bearer tokens ({@link KeycloakTestResource}), each started once per test JVM and
 * shared by every @QuarkusTest of the app: {@code @QuarkusTest @WithTestResource(GatewayTestResources.class)}, and the
 * classes that use the same resources share one Quarkus boot.
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
        KeycloakServer.start(); // in the background while PostgreSQL and the emulator start
        Map<String, String> config = new HashMap<>(postgres.start());
        config.put("gemgate.upstream.mode", "emulator");
        config.put("gemgate.upstream.base-url", emulator().baseUrl());
        config.putAll(KeycloakTestResource.oidcConfig());
        return config;
    }

    @Override
    public void stop() {
        postgres.stop();
    }
}
