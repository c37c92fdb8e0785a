package dev.gemgate.app.backup;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/backup/restore-drill.sh against a real embedded PostgreSQL holding Gemgate's schema (every Flyway migration)
 * and data: it passes, and the scratch database it restored into (kept with --keep) holds the tenants, keys, prices
 * and ledger rows, but no response-cache rows. The server is PostgreSQL 15, whose dumps Debian's pg_dump 15 can take
 * (the app's own embedded server is 17: its drill needs a client of 17 or newer, infra/backup/README.md).
 */
class RestoreDrillTest {
    private static final Path SCRIPT = Path.of("..", "backup", "restore-drill.sh");
    private static final Path BINARIES = Path.of("target", "postgres-15", "postgres-15.jar");
    private static EmbeddedPostgres postgres;
    private static final UUID TENANT = UUID.randomUUID();

    @BeforeAll
    static void gemgateDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setPgBinaryResolver((system, architecture) -> binaries(system, architecture))
                .setOverrideWorkingDirectory(Path.of("target", "postgres-15", "binaries").toAbsolutePath().toFile())
                .setDataDirectory(Path.of("target", "postgres-15", "data").toAbsolutePath())
                .setCleanDataDirectory(true)
                .setServerConfig("unix_socket_directories", "")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        // this class's loader: a @QuarkusTest that ran before in this JVM may have left its own as the context's
        Flyway.configure(RestoreDrillTest.class.getClassLoader()).dataSource(url("postgres"), "postgres", "postgres")
                .locations("classpath:db/migration").load().migrate();
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tenants (id, name, display_name, status, created_at) VALUES ('" + TENANT
                    + "', 'drill tenant', 'Drill tenant', 'ACTIVE', now())");
            s.execute("INSERT INTO api_keys (id, tenant_id, label, prefix, hash, status, created_at) VALUES ('"
                    + UUID.randomUUID() + "', '" + TENANT + "', 'drill key', 'gmg_drill', '" + "ab".repeat(32)
                    + "', 'ACTIVE', now())");
            s.execute("INSERT INTO response_cache (tenant_id, fingerprint, served_model, prompt_tokens, "
                    + "candidates_tokens, thoughts_tokens, cached_tokens, audio_prompt_tokens, body, compressed, "
                    + "body_bytes, stored_at, expires_at) VALUES ('" + TENANT + "', '" + "cd".repeat(32)
                    + "', 'gemini-2.5-flash', 1, 2, 0, 0, 0, '\\x7b7d', false, 2, now(), now() + interval '5 minutes')");
        }
    }

    private static InputStream binaries(String system, String architecture) throws IOException {
        assertThat(system).isEqualTo("Linux");
        ZipFile jar = new ZipFile(BINARIES.toFile());
        return jar.getInputStream(jar.getEntry("postgres-linux-x86_64.txz"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theDrillRestoresEveryTableButTheResponseCacheAndVerifiesIt() throws Exception {
        ProcessBuilder drill = new ProcessBuilder("bash", SCRIPT.toString(), "--keep").redirectErrorStream(true);
        Map<String, String> env = drill.environment();
        env.put("PGHOST", "localhost");
        env.put("PGPORT", String.valueOf(postgres.getPort()));
        env.put("PGUSER", "postgres");
        env.put("PGPASSWORD", "postgres");
        env.put("PGDATABASE", "postgres");
        env.put("DRILL_DATABASE", "gemgate_restore_drill");
        env.put("DRILL_DIR", Path.of("target", "restore-drill").toAbsolutePath().toString());
        Process process = drill.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("restore drill PASSED")
                .containsPattern("ok +tenants: 1 rows")
                .containsPattern("ok +api_keys: 1 rows")
                .containsPattern("ok +response_cache: restored empty \\(1 rows left out")
                .containsPattern("ok +schema version V\\d+")
                .doesNotContain("FAIL");
        assertThat(Files.size(Path.of("target", "restore-drill", "gemgate.dump"))).isPositive();

        // the restored database, read apart from the script
        try (Connection restored = connect("gemgate_restore_drill"); Statement s = restored.createStatement()) {
            assertThat(single(s, "SELECT name FROM tenants WHERE id = '" + TENANT + "'")).isEqualTo("drill tenant");
            assertThat(single(s, "SELECT count(*) FROM api_keys")).isEqualTo("1");
            assertThat(single(s, "SELECT count(*) FROM response_cache")).isEqualTo("0");
            try (Connection source = connect("postgres"); Statement t = source.createStatement()) {
                assertThat(single(s, "SELECT count(*) FROM model_prices"))
                        .isEqualTo(single(t, "SELECT count(*) FROM model_prices")).isNotEqualTo("0");
            }
            // the ledger's append-only trigger came back with the schema
            assertThat(single(s, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")).isNotEqualTo("0");
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static String url(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "postgres");
    }
}
