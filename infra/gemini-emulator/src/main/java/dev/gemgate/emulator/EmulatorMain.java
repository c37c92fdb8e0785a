package dev.gemgate.emulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone entry point: {@code java -jar gemgate-emulator.jar [--port 8089] [--host 127.0.0.1]
 * [--api-key K]... [--chunk-tokens 8] [--chunk-delay-ms 0] [--stamp-chunks] [--max-body-mb 150] [--record]}.
 * Environment fallbacks: {@code EMULATOR_PORT}, {@code EMULATOR_HOST}, {@code EMULATOR_API_KEYS} (comma-separated).
 * Runs until killed.
 */
public final class EmulatorMain {

    public static final int DEFAULT_PORT = 8089;

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmulatorConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gemgate-emulator: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.println(usage());
            return;
        }
        GeminiEmulator emulator = GeminiEmulator.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "emulator-shutdown"));
        System.out.println("Gemini emulator listening on " + emulator.baseUrl()
                + (config.acceptedApiKeys().isEmpty() ? " (any API key accepted)"
                : " (" + config.acceptedApiKeys().size() + " API key(s) accepted)"));
        stopped.await();
    }

    /** The configuration from arguments and environment; null when help was asked for. */
    static EmulatorConfig parse(String[] args) {
        EmulatorConfig.Builder builder = EmulatorConfig.builder().port(DEFAULT_PORT);
        String envPort = System.getenv("EMULATOR_PORT");
        if (envPort != null && !envPort.isBlank()) {
            builder.port(parsePort(envPort.trim()));
        }
        String envHost = System.getenv("EMULATOR_HOST");
        if (envHost != null && !envHost.isBlank()) {
            builder.host(envHost.trim());
        }
        String envKeys = System.getenv("EMULATOR_API_KEYS");
        if (envKeys != null && !envKeys.isBlank()) {
            builder.acceptApiKey(splitKeys(envKeys));
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--record" -> builder.recordRequests(true);
                case "--no-record" -> builder.recordRequests(false);
                case "--stamp-chunks" -> builder.stampChunks(true);
                case "--port", "-p", "--host", "--api-key", "--chunk-tokens", "--chunk-delay-ms", "--max-body-mb",
                     "--batch-polls", "--batch-seconds" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--port", "-p" -> builder.port(parsePort(value));
                        case "--host" -> builder.host(value);
                        case "--api-key" -> builder.acceptApiKey(splitKeys(value));
                        case "--max-body-mb" -> builder.maxBodyBytes(parseMegabytes(value));
                        case "--chunk-delay-ms" -> builder.streamChunkDelay(parseMillis(value));
                        case "--batch-polls" -> builder.batchPollsToComplete(parsePositive(arg, value));
                        case "--batch-seconds" -> builder.batchCompletionTime(
                                Duration.ofSeconds(parsePositive(arg, value)));
                        default -> builder.streamChunkTokens(Integer.parseInt(value));
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        return builder.build();
    }

    private static String[] splitKeys(String keys) {
        return Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toArray(String[]::new);
    }

    private static int parseMegabytes(String value) {
        try {
            int megabytes = Integer.parseInt(value);
            if (megabytes < 1 || megabytes > 2047) {
                throw new IllegalArgumentException("--max-body-mb must be from 1 to 2047: " + value);
            }
            return megabytes * 1024 * 1024;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of megabytes: " + value);
        }
    }

    private static Duration parseMillis(String value) {
        try {
            long millis = Long.parseLong(value);
            if (millis < 0) {
                throw new IllegalArgumentException("--chunk-delay-ms must not be negative: " + value);
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of milliseconds: " + value);
        }
    }

    private static int parsePositive(String arg, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new IllegalArgumentException(arg + " must be positive: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg + ": not a number: " + value);
        }
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + value);
        }
    }

    static String usage() {
        return "usage: java -jar gemgate-emulator.jar [--port N (default 8089, env EMULATOR_PORT)] "
                + "[--host H (default 127.0.0.1, env EMULATOR_HOST)] [--api-key K[,K2]... (env EMULATOR_API_KEYS; "
                + "default: any key)] [--chunk-tokens N (default 8)] [--chunk-delay-ms N (wait before each streamed "
                + "chunk; default 0)] [--stamp-chunks (each streamed chunk carries emulatorSentAtMicros; default off)] "
                + "[--max-body-mb N (default 150)] [--record (keep requests for GET /emulator/requests; default off)] "
                + "[--batch-polls N (a batch job is done on its N-th get; default 2)] [--batch-seconds N (or N seconds "
                + "after creation; default 10)]";
    }
}
