package dev.gemgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Gemgate's heap: the Micrometer gauges on /q/metrics (on the management interface, not the tenant port), and a
 * {@code jcmd <pid> GC.heap_info} snapshot.
 */
final class GemgateProbe {

    /** One reading of /q/metrics; -1 where the metric is absent. */
    record Sample(long heapUsed, long heapCommitted, long activeRequests) {
    }

    private final URI metrics;
    private final String pid;
    private final String jcmd;
    private final HttpClient client = JavaDriver.client();

    /** {@code managementBase}: where Gemgate's management interface listens (its /q/metrics). */
    GemgateProbe(URI managementBase, String pid, String jcmd) {
        this.metrics = URI.create(managementBase + "/q/metrics");
        this.pid = pid;
        this.jcmd = jcmd;
    }

    Sample sample() {
        String text = fetch(Duration.ofSeconds(5));
        return text == null ? new Sample(-1, -1, -1) : parse(text);
    }

    static Sample parse(String text) {
        long used = -1;
        long committed = -1;
        long active = -1;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
            double parsed = value(line);
            if (Double.isNaN(parsed)) {
                continue;
            }
            long value = (long) parsed;
            boolean heap = line.contains("area=\"heap\"");
            if (heap && name.equals("jvm_memory_used_bytes")) {
                used = Math.max(used, 0) + value;
            } else if (heap && name.equals("jvm_memory_committed_bytes")) {
                committed = Math.max(committed, 0) + value;
            } else if (name.equals("http_server_active_requests")
                    || (name.startsWith("http_server_active_requests") && name.endsWith("_active_count"))) {
                active = Math.max(active, 0) + value;
            }
        }
        return new Sample(used, committed, active);
    }

    /** The text of /q/metrics, or null if it cannot be read. */
    String metricsText() {
        return fetch(Duration.ofSeconds(10));
    }

    private String fetch(Duration timeout) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(timeout)
                    .header("Accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The metric lines (no comments) whose name is {@code name}, e.g. {@code gemgate_requests_total}. */
    static List<String> lines(String text, String name) {
        List<String> lines = new ArrayList<>();
        if (text == null) {
            return lines;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The value of a metric line ({@code name{labels} value}), NaN if it has none. */
    static double value(String line) {
        try {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The value of {@code label} in a metric line, or "" if it has none. */
    static String label(String line, String label) {
        Matcher m = Pattern.compile("[{,]" + Pattern.quote(label) + "=\"([^\"]*)\"").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    /** The sum of every series of {@code name}, or -1 if /q/metrics cannot be read or has none. */
    long sum(String name) {
        List<String> lines = lines(metricsText(), name);
        if (lines.isEmpty()) {
            return -1;
        }
        double sum = 0;
        for (String l : lines) {
            double v = value(l);
            if (!Double.isNaN(v)) {
                sum += v;
            }
        }
        return Math.round(sum);
    }

    boolean canJcmd() {
        return pid != null && !pid.isEmpty();
    }

    /** The heap lines of {@code jcmd <pid> GC.heap_info}, or a reason why there are none. */
    List<String> heapInfo() {
        return jcmd("GC.heap_info");
    }

    /** {@code jcmd <pid> GC.run} (a full collection), then the heap lines: the live heap at that moment. */
    List<String> heapInfoAfterFullGc() {
        List<String> gc = jcmd("GC.run");
        List<String> after = heapInfo();
        return gc.stream().anyMatch(l -> l.startsWith("jcmd failed")) ? gc : after;
    }

    private List<String> jcmd(String command) {
        List<String> lines = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(jcmd, pid, command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroy();
            }
            for (String line : out.split("\n")) {
                String l = line.strip();
                if (l.contains("heap") && (l.contains("used") || l.contains("total"))) {
                    lines.add(l);
                }
            }
            if (lines.isEmpty() && command.equals("GC.heap_info")) {
                lines.add("jcmd printed no heap line: " + out.strip().replace('\n', ' '));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lines.add("jcmd interrupted");
        } catch (Exception e) {
            lines.add("jcmd failed: " + e.getMessage());
        }
        return lines;
    }

    /** "used 123456K" in a GC.heap_info line → bytes, or -1. */
    static long usedBytes(List<String> heapLines) {
        for (String l : heapLines) {
            Matcher m = Pattern.compile("used (\\d+)([KMG])").matcher(l);
            if (m.find()) {
                long v = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "K" -> v << 10;
                    case "M" -> v << 20;
                    default -> v << 30;
                };
            }
        }
        return -1;
    }

    void close() {
        client.shutdownNow();
    }
}
