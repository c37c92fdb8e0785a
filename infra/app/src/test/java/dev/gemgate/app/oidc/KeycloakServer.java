package dev.gemgate.app.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A real Keycloak (the distribution Maven unpacks into {@code target/keycloak}) for the tests of this JVM: started
 * once, by whichever test resource asks first, and stopped by a shutdown hook when the JVM ends.
 *
 * <p>{@link #start()} returns at once and Keycloak starts in the background, so that other test resources start
 * meanwhile; {@link #awaitReady()} waits for both realms' discovery documents (Keycloak answers 503 while it
 * bootstraps). {@link KeycloakTestResource} waits before Quarkus boots: a request that meets an OIDC server still
 * starting gets 503 (see IdentityProviderUnavailableMapper), which no test but the outage test expects.
 *
 * <p>Preparation, each step done once and kept under {@code target/keycloak}: {@code kc.sh build --db=dev-file} (about
 * 20 s), then {@code kc.sh import} of {@code src/test/resources/keycloak/*-realm.json} into a golden H2 database keyed
 * by the Keycloak version and the realm files' hash (about 20 s). Every test JVM copies the golden database back and
 * runs {@code kc.sh start --optimized} on a free port of 127.0.0.1 (about 8 s to ready). A Keycloak left behind by a
 * test JVM that was killed is stopped before the next start (its pid is kept in {@code target/keycloak/keycloak.pid}).
 *
 * <p>Quarkus loads test resources in more than one class loader: system properties, not static fields, make the
 * server one per JVM.
 */
public final class KeycloakServer {
    /** Where Maven unpacked the distribution and where the realm files are (surefire's system properties). */
    static final String HOME_PROPERTY = "keycloak-test.home";
    static final String REALMS_PROPERTY = "keycloak-test.realms";

    private static final String URL_PROPERTY = "keycloak-test.url";
    private static final String FAILURE_PROPERTY = "keycloak-test.failure";
    private static final String READY_PROPERTY = "keycloak-test.ready";
    private static final List<String> REALMS = List.of("gemgate", "other");
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final String JAVA_OPTIONS = "-XX:TieredStopAtLevel=1";

    /** The kc.sh process running now (build, import or the server), stopped by the shutdown hook. */
    private static final AtomicReference<Process> RUNNING = new AtomicReference<>();

    private KeycloakServer() {
    }

    /** Starts the server in the background unless it is started already; returns its base URL. */
    public static String start() {
        return baseUrl();
    }

    /** The server's base URL ({@code http://127.0.0.1:port}); starts it in the background the first time. */
    public static String baseUrl() {
        String started = System.getProperty(URL_PROPERTY);
        if (started != null) {
            return started;
        }
        String candidate = "http://127.0.0.1:" + freePort();
        // putIfAbsent on the system properties is atomic: exactly one caller in the JVM starts the server
        Object winner = System.getProperties().putIfAbsent(URL_PROPERTY, candidate);
        if (winner != null) {
            return (String) winner;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(KeycloakServer::stopRunning, "keycloak-stop"));
        Thread starter = new Thread(() -> prepareAndLaunch(candidate), "keycloak-start");
        starter.setDaemon(true);
        starter.start();
        return candidate;
    }

    /** The issuer URL of a realm, e.g. {@code http://127.0.0.1:port/realms/gemgate}. */
    public static String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    /** Waits until every realm answers its discovery document; fails with the reason when the start failed. */
    public static String awaitReady() {
        String base = baseUrl();
        if (Boolean.getBoolean(READY_PROPERTY)) {
            return base;
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String realm : REALMS) {
            URI discovery = URI.create(base + "/realms/" + realm + "/.well-known/openid-configuration");
            while (status(http, discovery) != 200) {
                String failure = System.getProperty(FAILURE_PROPERTY);
                if (failure != null) {
                    throw new IllegalStateException("Keycloak did not start: " + failure);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Keycloak was not ready within " + READY_TIMEOUT + " at " + base
                            + "; see " + workDirectory().resolve("keycloak.log"));
                }
                pause(Duration.ofMillis(200));
            }
        }
        System.setProperty(READY_PROPERTY, "true");
        return base;
    }

    private static void prepareAndLaunch(String baseUrl) {
        try {
            launchServer(baseUrl);
        } catch (RuntimeException | Error e) {
            System.setProperty(FAILURE_PROPERTY, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    private static void launchServer(String baseUrl) {
        Path home = home();
        Path work = workDirectory();
        stopLeftOver(pidFile());
        build(home, work);
        Path golden = golden(home, work);
        Path database = home.resolve("data").resolve("h2");
        deleteRecursively(database);
        copyDirectory(golden, database);
        int port = URI.create(baseUrl).getPort();
        Path log = work.resolve("keycloak.log");
        Process server = launch(home, log, List.of("start", "--optimized", "--http-enabled=true",
                "--http-host=127.0.0.1", "--http-port=" + port, "--hostname-strict=false", "--cache=local"));
        // a server that ends by itself (a taken port, a broken database) fails the waiting tests at once
        server.onExit().thenAccept(ended -> {
            if (RUNNING.get() == ended) {
                System.setProperty(FAILURE_PROPERTY, "it exited with " + ended.exitValue() + "; see " + log);
            }
        });
    }

    /**
     * Augments the distribution for a file database, once per unpacked distribution: the marker remembers the
     * augmented application's size and time, so a distribution unpacked again over the old one is built again.
     */
    private static void build(Path home, Path work) {
        Path marker = home.resolve(".gemgate-built");
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(augmentation(home))) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(home, work.resolve("build.log"), List.of("build", "--db=dev-file"));
        write(marker, augmentation(home));
    }

    private static String augmentation(Path home) {
        Path application = home.resolve("lib").resolve("quarkus").resolve("quarkus-application.dat");
        try {
            return Files.size(application) + " " + Files.getLastModifiedTime(application);
        } catch (IOException e) {
            return "none";
        }
    }

    /** The H2 database with the realms imported, made once per Keycloak version and realm files. */
    private static Path golden(Path home, Path work) {
        Path realms = Path.of(requiredProperty(REALMS_PROPERTY));
        Path golden = work.resolve("golden-" + home.getFileName() + "-" + hashOf(realms)).resolve("h2");
        if (Files.isDirectory(golden)) {
            return golden;
        }
        Path database = home.resolve("data").resolve("h2");
        deleteRecursively(database);
        run(home, work.resolve("import.log"), List.of("import", "--optimized", "--dir", realms.toString()));
        Path partial = golden.resolveSibling("h2.partial");
        deleteRecursively(partial);
        copyDirectory(database, partial);
        try {
            Files.move(partial, golden, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return golden;
    }

    private static void run(Path home, Path log, List<String> arguments) {
        Process process = launch(home, log, arguments);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                stop(process);
                throw new IllegalStateException("kc.sh " + arguments + " did not finish; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw new IllegalStateException("interrupted while running kc.sh " + arguments, e);
        }
        RUNNING.compareAndSet(process, null);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("kc.sh " + arguments + " exited with " + process.exitValue() + "; see "
                    + log);
        }
    }

    private static Process launch(Path home, Path log, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve("kc.sh").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // the JDK running the tests (JAVA_HOME may name an older one); C1 only: Keycloak starts faster
        builder.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        builder.environment().put("JAVA_OPTS_APPEND", JAVA_OPTIONS);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        }
        RUNNING.set(process);
        write(pidFile(), Long.toString(process.pid()));
        return process;
    }

    private static void stopRunning() {
        Process process = RUNNING.getAndSet(null);
        if (process != null) {
            stop(process);
        }
    }

    /** SIGTERM (kc.sh passes it on to Keycloak's JVM), then SIGKILL to whatever is left after 15 s. */
    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * A Keycloak whose test JVM was killed keeps running and holds the H2 database: stop it. The pid file names its
     * kc.sh; Keycloak's JVM names that pid in its command line ({@code -Dkc.script.pid=}), so it is found even when
     * kc.sh itself is gone.
     */
    private static void stopLeftOver(Path pidFile) {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            String scriptPid = "-Dkc.script.pid=" + pid + " ";
            List<ProcessHandle> leftOver = ProcessHandle.allProcesses()
                    .filter(p -> p.pid() == pid && p.info().commandLine().map(c -> c.contains("kc.sh")).orElse(false)
                            || p.info().commandLine().map(c -> c.contains(scriptPid)).orElse(false))
                    .toList();
            leftOver.forEach(ProcessHandle::destroy);
            leftOver.forEach(p -> p.onExit().completeOnTimeout(p, 15, TimeUnit.SECONDS).join());
            leftOver.forEach(ProcessHandle::destroyForcibly);
            Files.delete(pidFile);
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("could not read " + pidFile, e);
        }
    }

    private static Path home() {
        Path home = Path.of(requiredProperty(HOME_PROPERTY));
        if (!Files.isExecutable(home.resolve("bin").resolve("kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at " + home
                    + ": Maven unpacks it when infra/app's tests run (process-test-resources)");
        }
        return home;
    }

    private static Path pidFile() {
        return workDirectory().resolve("keycloak.pid");
    }

    private static Path workDirectory() {
        return Path.of(requiredProperty(HOME_PROPERTY)).getParent();
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name
                    + " is not set: infra/app's pom sets it for Surefire");
        }
        return value;
    }

    private static String hashOf(Path realms) {
        try (Stream<Path> files = Files.list(realms)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(HttpClient http, URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Keycloak", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Keycloak", e);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): Keycloak binds it up to a minute later (while the
     * golden database is made), and an ephemeral port could be handed to another socket in between.
     */
    private static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port for Keycloak between 20000 and 32000");
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyDirectory(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
