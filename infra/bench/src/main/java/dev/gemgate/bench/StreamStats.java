package dev.gemgate.bench;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Streams on one path: per-chunk delivery latencies (HdrHistogram, microseconds, 3 significant digits) for every chunk
 * and for the first chunk of each stream, chunk counts, and the streams that did not end normally, by kind.
 * Thread-safe: the streams-in-flight phase records from many threads.
 */
final class StreamStats {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(5);

    private final Histogram chunks = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram first = new Histogram(HIGHEST_MICROS, 3);
    private final Map<String, Long> errors = new TreeMap<>();
    private long streamsOk;
    private long chunkCount;
    private int minChunks = Integer.MAX_VALUE;
    private int maxChunks;
    private long negative;

    /** Records one finished stream (status 0 when there was no response). */
    synchronized void record(int status, SseStream s) {
        for (int i = 0; i < s.chunks(); i++) {
            long micros = s.latencyMicros(i);
            if (micros >= 0) {
                chunks.recordValue(Math.min(micros, HIGHEST_MICROS));
                if (i == 0) {
                    first.recordValue(Math.min(micros, HIGHEST_MICROS));
                }
            }
        }
        chunkCount += s.chunks();
        negative += s.negative();
        String problem = s.problem(status);
        if (problem == null) {
            streamsOk++;
            minChunks = Math.min(minChunks, s.chunks());
            maxChunks = Math.max(maxChunks, s.chunks());
        } else {
            error(problem);
        }
    }

    synchronized void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    synchronized long ok() {
        return streamsOk;
    }

    synchronized long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    synchronized long chunkCount() {
        return chunkCount;
    }

    /** "10" or "9-11": chunks per stream among the streams that ended normally. */
    synchronized String chunksPerStream() {
        return streamsOk == 0 ? "-" : minChunks == maxChunks ? Integer.toString(minChunks) : minChunks + "-" + maxChunks;
    }

    /** Chunks stamped a microsecond after they arrived (truncation of both clocks), counted as 0. */
    synchronized long negative() {
        return negative;
    }

    /** Percentile of every chunk's delivery latency, in ms. */
    synchronized double ms(double percentile) {
        return chunks.getTotalCount() == 0 ? Double.NaN : chunks.getValueAtPercentile(percentile) / 1e3;
    }

    synchronized double maxMs() {
        return chunks.getTotalCount() == 0 ? Double.NaN : chunks.getMaxValue() / 1e3;
    }

    synchronized double meanMs() {
        return chunks.getTotalCount() == 0 ? Double.NaN : chunks.getMean() / 1e3;
    }

    /** Percentile of the first chunk's delivery latency (one per stream), in ms. */
    synchronized double firstMs(double percentile) {
        return first.getTotalCount() == 0 ? Double.NaN : first.getValueAtPercentile(percentile) / 1e3;
    }

    synchronized double firstMaxMs() {
        return first.getTotalCount() == 0 ? Double.NaN : first.getMaxValue() / 1e3;
    }

    synchronized long firstCount() {
        return first.getTotalCount();
    }

    synchronized String errorSummary() {
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        errors.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(v).append("x ").append(k));
        return b.toString();
    }
}
