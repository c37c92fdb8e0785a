package dev.gemgate.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CPU time (user + system) the servers of one path spend, from the operating system's own accounts: a process and,
 * where asked, its descendants (nginx's workers; PostgreSQL's backends, children of its postmaster).
 * Divided by the requests of a throughput window, it says what a request costs each server, which the ratios of
 * requests per second cannot: on a 2-core machine every server, the emulator and the load generator share the cores,
 * and one path's time is all of theirs.
 */
final class ProcessCpu {
    /** Which processes of a process id a source counts. */
    enum Scope { SELF, SELF_AND_DESCENDANTS }

    /** One process, with or without its descendants, to account for. */
    record Source(String name, long pid, Scope scope) {
    }

    private final Map<String, Source> sources = new LinkedHashMap<>();

    /** Adds {@code name} when {@code pid} is a number (an empty option leaves it out). */
    ProcessCpu add(String name, String pid, Scope scope) {
        if (pid != null && pid.matches("\\d+")) {
            sources.put(name, new Source(name, Long.parseLong(pid), scope));
        }
        return this;
    }

    /** The CPU time so far of each of {@code names} that is known and still running. */
    Map<String, Duration> snapshot(List<String> names) {
        Map<String, Duration> times = new LinkedHashMap<>();
        names.stream().map(sources::get).filter(Objects::nonNull)
                .forEach(s -> cpu(s).ifPresent(d -> times.put(s.name(), d)));
        return times;
    }

    /** Microseconds of CPU per request of each source between two snapshots ({@code requests} > 0). */
    static Map<String, Double> perRequest(Map<String, Duration> before, Map<String, Duration> after, long requests) {
        Map<String, Double> micros = new LinkedHashMap<>();
        before.forEach((name, start) -> {
            Duration end = after.get(name);
            if (end != null && requests > 0) {
                micros.put(name, end.minus(start).toNanos() / 1000.0 / requests);
            }
        });
        return micros;
    }

    private static Optional<Duration> cpu(Source s) {
        Optional<ProcessHandle> process = ProcessHandle.of(s.pid());
        if (process.isEmpty()) {
            return Optional.empty();
        }
        Stream<ProcessHandle> all = switch (s.scope()) {
            case SELF -> Stream.of(process.get());
            case SELF_AND_DESCENDANTS -> Stream.concat(Stream.of(process.get()), process.get().descendants());
        };
        return Optional.of(all.map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus));
    }
}
