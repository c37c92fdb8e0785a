package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;

import java.util.Set;
import java.util.HashSet;
import java.util.Collection;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.sql.DriverManager;
import java.sql.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged Gemgate ({@code infra/app/target/quarkus-app/quarkus-run.jar}) as a separate operating-system process,
 * for tests of what only a real process shows: signals, crashes, restarts, several replicas.
 *
 * <p>Each instance runs {@code java -Dquarkus.profile=local -jar quarkus-run.jar} on free HTTP and management ports of
 * 127.0.0.1, with the upstream a test chooses ({@code gemgate.upstream.base-url}) and either its own embedded
 * PostgreSQL (a data directory under the work directory, kept across {@link #restart()}) or an external database
 * ({@link Builder#externalDatabase}, e.g. one PostgreSQL shared by two replicas). {@link #start} returns once the
 * instance is ready; the demo tenant's key is read from its console at the first start on a database (pass it on with
 * {@link Builder#demoKey} to a second replica). Console output goes to a log file in the work directory
 * ({@link #logFile()}, {@link #output()}, {@link #awaitOutput}).
 *
 * <p>{@link #terminate()} sends SIGTERM ({@link Process#destroy()} on Linux), {@link #kill()} SIGKILL. {@link #close()}
 * kills whatever is still running, so that a failed test leaves no process behind, including the embedded PostgreSQL
 * a SIGKILL orphans.
 */
public final class PackagedGemgate implements AutoCloseable {
    private static final Pattern DEMO_KEY = Pattern.compile("\\b(gmg_[A-Za-z0-9]{40})\\b");
    private static final Pattern EMBEDDED_JDBC_URL = Pattern.compile("embedded PostgreSQL at (jdbc:postgresql://\\S+)");
    private static final String DEMO_PRESENT = "demo tenant present";

    private final Builder settings;
    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path logFile;
    private volatile String demoKey;
    private volatile URI healthBase;
    private volatile boolean killed;

    private PackagedGemgate(Builder settings) {
        this.settings = settings;
        this.httpPort = freePort();
        this.managementPort = freePort();
        this.demoKey = settings.demoKey;
        try {
            this.logFile = newLogFile(settings.workDirectory);
            this.process = processBuilder().start();
            settings.latest = this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the packaged Gemgate (built? " + runJar() + ")", e);
        }
    }

    /** Settings for instances whose files (logs, embedded database, temporary files) live in {@code workDirectory}. */
    public static Builder builder(Path workDirectory) {
        return new Builder(workDirectory.toAbsolutePath());
    }

    /** The packaged application that {@code ./mvnw package} builds. */
    /** The embedded PostgreSQL on {@code dataDirectory}, run as the packaged app runs it (on the same binaries). */
    public static EmbeddedPostgresServer startDatabase(Path dataDirectory) {
        return EmbeddedPostgresServer.start(dataDirectory,
                GemgateMain.binariesDirectory(null, runJar().toString(), dataDirectory), 0, false);
    }

    public static Path runJar() {
        return buildDirectory().resolve("quarkus-app/quarkus-run.jar");
    }

    /** infra/app's {@code target} (Failsafe passes it; relative to the module when run by hand). */
    public static Path buildDirectory() {
        return Path.of(System.getProperty("gemgate.it.build-directory", "target")).toAbsolutePath();
    }

    /** A fresh, empty directory under {@code target/it/} for one test. */
    public static Path freshWorkDirectory(String name) {
        Path directory = buildDirectory().resolve("it").resolve(name);
        deleteRecursively(directory);
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Builder {
        private final Path workDirectory;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String upstreamBaseUrl;
        private String[] externalDatabase;
        private String demoKey;
        private Duration startTimeout = Duration.ofSeconds(60);
        private volatile PackagedGemgate latest;

        private Builder(Path workDirectory) {
            this.workDirectory = workDirectory;
        }

        /** Where upstream calls go (a Gemini emulator the test started); the in-process emulator when unset. */
        public Builder upstream(String baseUrl) {
            this.upstreamBaseUrl = baseUrl;
            return this;
        }

        /** A {@code -Dkey=value} for the child JVM (Gemgate or Quarkus configuration). */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        /** A JVM option such as {@code -Xmx256m}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Use this PostgreSQL instead of an embedded one (several instances may share it). */
        public Builder externalDatabase(String jdbcUrl, String username, String password) {
            this.externalDatabase = new String[]{jdbcUrl, username, password};
            return this;
        }

        /** The demo key printed by an earlier start on the same database (a later start only says it exists). */
        public Builder demoKey(String key) {
            this.demoKey = key;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The embedded PostgreSQL's data directory (unused with an external database). */
        public Path dataDirectory() {
            return workDirectory.resolve("postgres");
        }

        /** Starts an instance and waits until it is ready and its demo key is known. */
        public PackagedGemgate start() {
            PackagedGemgate gemgate = new PackagedGemgate(this);
            try {
                gemgate.awaitReady();
                return gemgate;
            } catch (RuntimeException | Error e) {
                gemgate.close();
                throw e;
            }
        }
    }

    /** Starts a new instance with the same settings and data (call after this one has exited or been killed). */
    public PackagedGemgate restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("pid " + process.pid() + " still runs: terminate() or kill() it first");
        }
        String key = demoKey;
        if (key != null) {
            settings.demoKey(key);
        }
        return settings.start();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public int httpPort() {
        return httpPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** {@code /q/health/ready} on the management interface, or on the HTTP port where there is none. */
    public URI readinessUri() {
        return healthBase.resolve("/q/health/ready");
    }

    /** The seeded demo tenant's API key. */
    public String demoKey() {
        if (demoKey == null) {
            throw new IllegalStateException("no demo key: not printed by this instance and none given to the builder");
        }
        return demoKey;
    }

    /** The embedded PostgreSQL of this instance ({@code postgres}/{@code postgres}), empty with an external one. */
    public Optional<String> embeddedJdbcUrl() {
        Matcher m = EMBEDDED_JDBC_URL.matcher(output());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The embedded PostgreSQL's data directory. */
    public Path dataDirectory() {
        return settings.dataDirectory();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far (stdout and stderr, in {@link #logFile()}). */
    public String output() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path logFile() {
        return logFile;
    }

    /** Waits until the console shows {@code fragment}; false if it did not within {@code timeout}. */
    public boolean awaitOutput(String fragment, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(fragment)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                return output().contains(fragment);
            }
            pause(Duration.ofMillis(20));
        }
        return true;
    }

    /** SIGTERM: the orderly stop a container runtime sends. */
    public void terminate() {
        process.destroy();
    }

    /**
     * SIGKILL: a crash (nothing in the process runs any more); returns once the process is gone. Its embedded
     * PostgreSQL keeps running, as after a real crash, until {@link #restart()} (or {@link #close()}) stops it.
     */
    public void kill() {
        killed = true;
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** The exit code, once the process has exited within {@code timeout}; fails otherwise. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("pid " + process.pid() + " still runs after " + timeout + "; log: " + logFile);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Kills the process if it still runs; if it was killed and not restarted, also stops the embedded PostgreSQL it
     * left running (as the next start on the data directory would), so that no process outlives the test.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            killed = true;
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (killed && settings.externalDatabase == null && settings.latest == this) {
            settings.latest = null;
            startDatabase(settings.dataDirectory()).close(); // PostgreSQL recovers the killed instance's data
        }
    }

    @Override
    public String toString() {
        return "Gemgate[pid " + process.pid() + ", " + baseUri() + ", log " + logFile + "]";
    }

    private ProcessBuilder processBuilder() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.jvmOptions);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.profile", "local");
        properties.put("quarkus.http.host", "127.0.0.1");
        properties.put("quarkus.http.port", Integer.toString(httpPort));
        properties.put("quarkus.management.host", "127.0.0.1");
        properties.put("quarkus.management.port", Integer.toString(managementPort));
        properties.put("java.io.tmpdir", settings.workDirectory.toString());
        properties.put("gemgate.seed.demo-tenant", "true");
        if (settings.upstreamBaseUrl != null) {
            properties.put("gemgate.upstream.mode", "emulator");
            properties.put("gemgate.upstream.base-url", settings.upstreamBaseUrl);
        }
        if (settings.externalDatabase == null) {
            properties.put("gemgate.embedded-postgres.data-dir", settings.dataDirectory().toString());
        }
        // one audit spool per instance (it is locked); beside the data directory, so a restart replays it
        properties.put("gemgate.audit.spool-dir", settings.dataDirectory().resolveSibling("audit-spool").toString());
        properties.putAll(settings.systemProperties);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(runJar().toString());

        // To a file, not a pipe: Process.destroy() closes the pipe, and what a shutdown prints matters here.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(settings.workDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> environment = builder.environment();
        // The test JVM's own database (EmbeddedPostgresTestResource honours it) must not leak into the child.
        environment.keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("GEMGATE_"));
        if (settings.externalDatabase != null) {
            environment.put("QUARKUS_DATASOURCE_JDBC_URL", settings.externalDatabase[0]);
            environment.put("QUARKUS_DATASOURCE_USERNAME", settings.externalDatabase[1]);
            environment.put("QUARKUS_DATASOURCE_PASSWORD", settings.externalDatabase[2]);
        }
        return builder;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + settings.startTimeout.toNanos();
        URI management = URI.create("http://127.0.0.1:" + managementPort);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new AssertionError("Gemgate exited with " + process.exitValue() + " while starting; log "
                            + logFile + ":\n" + tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Gemgate was not ready within " + settings.startTimeout + "; log "
                            + logFile + ":\n" + tail());
                }
                for (URI base : List.of(management, baseUri())) {
                    if (healthBase == null && status(client, base.resolve("/q/health/ready")) == 200) {
                        healthBase = base;
                    }
                }
                String output = output();
                if (demoKey == null) {
                    Matcher key = DEMO_KEY.matcher(output);
                    if (key.find()) {
                        demoKey = key.group(1);
                    }
                }
                boolean keyKnown = demoKey != null || output.contains(DEMO_PRESENT);
                if (healthBase != null && keyKnown) {
                    return;
                }
                pause(Duration.ofMillis(50));
            }
        }
    }

    private static int status(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String tail() {
        String all = output();
        return all.length() <= 6000 ? all : all.substring(all.length() - 6000);
    }

    private static synchronized Path newLogFile(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (int n = 1; ; n++) {
            Path file = directory.resolve("gemgate-" + n + ".log");
            if (!Files.exists(file)) {
                return Files.createFile(file);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    /**
     * Which of {@code ids} appear in {@code column} of the audit table at {@code jdbcUrl} ({@code request_id}: the
     * server's ids; {@code correlation_id}: the callers').
     */
    static Set<String> auditedIds(String jdbcUrl, String column, Collection<String> ids) throws SQLException {
        if (!column.equals("request_id") && !column.equals("correlation_id")) {
            throw new IllegalArgumentException("not an id column of audit_events: " + column);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl, EmbeddedPostgresServer.USERNAME,
                EmbeddedPostgresServer.PASSWORD);
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT " + column + " FROM audit_events WHERE " + column + " = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            Set<String> found = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        }
    }
}
