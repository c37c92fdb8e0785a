package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A PostgreSQL of its own for the outage test, which stops and restarts it under the running application. Quarkus
 * loads test resources and test classes in different class loaders, so the test reaches the server through a JMX
 * bean (the platform MBean server is the JDK's, shared by every loader).
 */
public class DatabaseOutageResources implements QuarkusTestResourceLifecycleManager {
    static final Path DATA = Path.of("target", "outage-postgres", "data");
    private static final String CONTROL = "dev.gemgate.test:type=OutageDatabase";

    /** What the test may do to the database. */
    public interface DatabaseControlMBean {
        void stopDatabase();

        void restartDatabase();
    }

    public static final class DatabaseControl implements DatabaseControlMBean {
        private final int port;
        private EmbeddedPostgresServer server;

        DatabaseControl(int port) {
            this.port = port;
            // a fresh database, but one that survives stop (a "clean" server would delete its data on close)
            deleteRecursively(DATA);
            this.server = EmbeddedPostgresServer.start(DATA, port, false);
        }

        @Override
        public synchronized void stopDatabase() {
            if (server != null) {
                server.close();
                server = null;
            }
        }

        @Override
        public synchronized void restartDatabase() {
            if (server == null) {
                server = EmbeddedPostgresServer.start(DATA, port, false);
            }
        }

        synchronized String jdbcUrl() {
            return server.jdbcUrl();
        }
    }

    @Override
    public Map<String, String> start() {
        DatabaseControl control = new DatabaseControl(freePort());
        try {
            MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(CONTROL);
            if (beans.isRegistered(name)) {
                beans.unregisterMBean(name);
            }
            beans.registerMBean(control, name);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", control.jdbcUrl());
        config.put("quarkus.datasource.username", EmbeddedPostgresServer.USERNAME);
        config.put("quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
        config.put("gemgate.upstream.mode", "emulator");
        config.put("gemgate.upstream.base-url", GatewayTestResources.emulator().baseUrl());
        config.put("gemgate.auth.key-cache-ttl", "60s");
        config.put("gemgate.database.retry-after", "1s");
        // an audit spool of its own: one directory per running instance
        config.put("gemgate.audit.spool-dir", "target/outage-test-audit-spool");
        return config;
    }

    @Override
    public void stop() {
        invoke("stopDatabase");
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(CONTROL));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    static void stopDatabase() {
        invoke("stopDatabase");
    }

    static void restartDatabase() {
        invoke("restartDatabase");
    }

    private static void invoke(String operation) {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(CONTROL), operation, null, null);
        } catch (JMException e) {
            throw new IllegalStateException("the outage test's database control failed: " + operation, e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
