package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import sun.misc.Signal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts Gemgate. In any profile but prod, when no database is configured ({@code QUARKUS_DATASOURCE_JDBC_URL}), it
 * first starts an embedded PostgreSQL whose data lives in {@code .gemgate/postgres} under the working directory and
 * survives restarts; it is stopped after Quarkus has shut down (after the connection pool and the audit writer).
 *
 * <p>With the argument {@value #AOT_TRAINING_ARGUMENT} it is the build's training run for the JVM's AOT cache
 * ({@code -XX:AOTCacheOutput}, infra/app/pom.xml): a complete local start on a throw-away embedded database (initdb,
 * every migration, the demo seed, the HTTP servers), after which it shuts down at once. What the JVM loaded and linked
 * on the way is then in the cache, so that a later start with {@code -XX:AOTCache} skips most of that work.
 */
@QuarkusMain
public final class GemgateMain {
    private GemgateMain() {
    }

    /** The program argument of the build's AOT training run (infra/app/pom.xml, profile {@code aot-cache}). */
    static final String AOT_TRAINING_ARGUMENT = "--aot-training";

    /** Where the embedded PostgreSQL's binaries go ({@link #binariesDirectory}); its environment variable below. */
    static final String BINARIES_DIR_PROPERTY = "gemgate.embedded-postgres.binaries-dir";
    /** The directory beside {@code quarkus-run.jar} that holds the packaged app's PostgreSQL binaries. */
    static final String PACKAGED_BINARIES = "embedded-pg-binaries";

    public static void main(String... args) {
        boolean training = Arrays.asList(args).contains(AOT_TRAINING_ARGUMENT);
        if (training) {
            args = Arrays.stream(args).filter(arg -> !AOT_TRAINING_ARGUMENT.equals(arg)).toArray(String[]::new);
        }
        String profile = setting("quarkus.profile", "QUARKUS_PROFILE", "prod");
        // the training run always uses a throw-away embedded database, never one configured in the build's environment
        boolean databaseConfigured = !training
                && setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL", null) != null;
        if ("prod".equals(profile) && !databaseConfigured) {
            System.err.println("Gemgate: the prod profile needs a PostgreSQL: set QUARKUS_DATASOURCE_JDBC_URL, "
                    + "QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD. For a local run with the embedded "
                    + "database and the Gemini emulator, start with -Dquarkus.profile=local.");
            System.exit(1);
        }
        exitZeroOnSigterm();
        if (databaseConfigured) {
            Quarkus.run(args);
            return;
        }
        Path dataDirectory = Path.of(setting("gemgate.embedded-postgres.data-dir", "GEMGATE_EMBEDDED_POSTGRES_DATA_DIR",
                ".gemgate/postgres")).toAbsolutePath();
        System.setProperty(ProductionSafety.EMBEDDED_POSTGRES_PROPERTY, "true");
        Thread staticInit = initializeQuarkusMeanwhile();
        Path binaries = binariesDirectory(
                setting(BINARIES_DIR_PROPERTY, "GEMGATE_EMBEDDED_POSTGRES_BINARIES_DIR", null),
                System.getProperty("java.class.path"), dataDirectory);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDirectory, binaries, 0, training);
        awaitQuietly(staticInit);
        System.setProperty("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        System.setProperty("quarkus.datasource.username", postgres.username());
        System.setProperty("quarkus.datasource.password", postgres.password());
        // Where to point psql (user and password postgres); tests that run the packaged app read it here too.
        System.out.println("Gemgate: embedded PostgreSQL at " + postgres.jdbcUrl() + " (data in " + dataDirectory + ")");
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stopPostgres = () -> {
            if (stopped.compareAndSet(false, true)) {
                postgres.close();
            }
        };
        // On SIGTERM the JVM runs hooks while main is still blocked: wait for Quarkus to finish, then stop PostgreSQL.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Application application = Application.currentApplication();
            if (application != null) {
                application.awaitShutdown();
            }
            stopPostgres.run();
        }, "embedded-postgres-stop"));
        try {
            if (training) {
                Quarkus.run(ExitWhenStarted.class, args);
            } else {
                Quarkus.run(args);
            }
        } finally {
            stopPostgres.run();
        }
    }

    /**
     * Where the embedded PostgreSQL's binaries are unpacked: {@code configured} if set. Else, when Gemgate runs from its
     * packaged jar ({@code java -jar .../quarkus-app/quarkus-run.jar}: the class path is that one jar), the directory
     * {@value #PACKAGED_BINARIES} beside it, which the build's AOT training run has already filled: a first start on a
     * fresh data directory then skips the unpacking (a 60 MB xz archive decompressed in Java, 2.3 s of a 7.4 s first
     * start in issue 21's measurement), and every data directory shares one copy. Else (an IDE run, an app directory
     * nobody may write to) beside the data directory, as before.
     */
    static Path binariesDirectory(String configured, String classPath, Path dataDirectory) {
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        if (classPath != null && !classPath.isBlank() && !classPath.contains(File.pathSeparator)) {
            Path jar = Path.of(classPath).toAbsolutePath();
            Path app = jar.getParent();
            if (app != null && "quarkus-run.jar".equals(String.valueOf(jar.getFileName()))) {
                Path packaged = app.resolve(PACKAGED_BINARIES);
                if (Files.isDirectory(packaged) || Files.isWritable(app)) {
                    return packaged;
                }
            }
        }
        return EmbeddedPostgresServer.binariesDirectoryFor(dataDirectory);
    }

    /**
     * Runs Quarkus's static initialisation (the generated {@code ApplicationImpl}'s class initialiser: the build-time
     * configuration, the CDI container, every extension's static-init recorders) on another thread while this one waits
     * for the embedded PostgreSQL (unpacked, initdb'd and started as child processes), instead of after it. The
     * database's URL is runtime configuration, read when the application starts, after both are done. A failure here
     * is left for {@link Quarkus#run} to meet again and report as it always does.
     */
    private static Thread initializeQuarkusMeanwhile() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Thread thread = new Thread(() -> {
            try {
                Class.forName("io.quarkus.runner.ApplicationImpl", true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // not packaged by Quarkus (an IDE run) or a failed initialiser: Quarkus.run reports it
            }
        }, "quarkus-static-init");
        thread.setContextClassLoader(loader);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void awaitQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The training run's application: returns as soon as Quarkus has started, which shuts it down. */
    public static final class ExitWhenStarted implements QuarkusApplication {
        @Override
        public int run(String... args) {
            return 0;
        }
    }

    /**
     * SIGTERM is the orderly stop (Kubernetes, systemd, docker stop): the shutdown hooks drain the requests in flight
     * and the audit log exactly as on any exit, and the process then exits 0, as nginx and PostgreSQL do, instead of
     * the JVM's 143 (128 + SIGTERM), so that supervisors and scripts see an orderly stop as a success. (A drain that
     * outlives {@code quarkus.shutdown.timeout} is logged as an error by Quarkus.) SIGINT keeps the JVM's behaviour.
     */
    private static void exitZeroOnSigterm() {
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
    }

    private static String setting(String property, String environment, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
