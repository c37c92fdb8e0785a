package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL of its own for the outage test, which stops and restarts it under the running application. Quarkus
 * loads test resources and test classes in different class loaders, so the server is stopped the way an operator
 * would: a fast-shutdown signal (SIGINT) to the postmaster named in its data directory's pid file.
 */
public class DatabaseOutageResources implements QuarkusTestResourceLifecycleManager {
    static final Path DATA = Path.of("target", "outage-postgres", "data");
    static final String PORT = "outage-test.port";

    @Override
    public Map<String, String> start() {
        int port = freePort();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(DATA, port, true);
        System.setProperty(PORT, Integer.toString(port));
        Map<String, String> config = new HashMap<>(server.quarkusDatasourceProperties());
        config.put("gemgate.upstream.mode", "emulator");
        config.put("gemgate.upstream.base-url", GatewayTestResources.emulator().baseUrl());
        config.put("gemgate.auth.key-cache-ttl", "60s");
        config.put("gemgate.database.retry-after", "1s");
        return config;
    }

    @Override
    public void stop() {
        try {
            stopDatabase();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fast shutdown of whichever postmaster runs on the data directory; returns once it is gone. */
    static void stopDatabase() throws Exception {
        Path pidFile = DATA.toAbsolutePath().resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }

    static void restartDatabase() {
        EmbeddedPostgresServer.start(DATA, Integer.parseInt(System.getProperty(PORT)), false);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
