package dev.gemgate.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Latencies (HdrHistogram, nanoseconds, 3 significant digits) of successful requests plus errors by kind. */
final class Stats {

    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(5);

    final Histogram latencies = new Histogram(HIGHEST_NANOS, 3);
    final Map<String, Long> errors = new TreeMap<>();
    /** Requests counted for throughput (completed inside the measured window), successful or not. */
    long completed;

    /** Records one outcome; returns true if it was a 200 with a body. */
    boolean record(long nanos, HttpResponse<byte[]> response, Throwable failure) {
        if (failure != null) {
            error(kind(failure));
            return false;
        }
        if (response.statusCode() != 200 || response.body() == null || response.body().length == 0) {
            error("HTTP " + response.statusCode());
            return false;
        }
        latencies.recordValue(Math.min(nanos, HIGHEST_NANOS));
        return true;
    }

    void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    long ok() {
        return latencies.getTotalCount();
    }

    void add(Stats other) {
        latencies.add(other.latencies);
        other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
        completed += other.completed;
    }

    double ms(double percentile) {
        return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMs() {
        return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getMaxValue() / 1e6;
    }

    double meanMs() {
        return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getMean() / 1e6;
    }

    String errorSummary() {
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        errors.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(v).append("x ").append(k));
        return b.toString();
    }

    static String kind(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        if (message.length() > 60) {
            message = message.substring(0, 60) + "...";
        }
        return cause.getClass().getSimpleName() + message;
    }
}
