package dev.gemgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's stream log ({@code GET /emulator/streams}): how the streams it wrote ended (COMPLETED, CLIENT_CUT,
 * ...), seen from the upstream's side. A cross-check for the streams-in-flight phase: a gateway that cut or lost
 * streams shows here even if the driver's count were wrong.
 */
final class EmulatorStreams {

    private static final Pattern COUNTS = Pattern.compile("\"counts\":\\{([^}]*)}");
    private static final Pattern IN_PROGRESS = Pattern.compile("\"inProgress\":(\\d+)");

    private EmulatorStreams() {
    }

    /** Forgets the log's records and counts ({@code DELETE /emulator/streams}); failures are ignored. */
    static void clear(URI emulator) {
        call(emulator, "DELETE");
    }

    /** "COMPLETED 2000, CLIENT_CUT 0, ..., in progress 0", or why it could not be read. */
    static String counts(URI emulator) {
        String body = call(emulator, "GET");
        Matcher m = COUNTS.matcher(body);
        if (!m.find()) {
            return "n/a (" + body.substring(0, Math.min(body.length(), 80)) + ")";
        }
        String counts = m.group(1).replace("\"", "").replace(":", " ").replace(",", ", ");
        Matcher p = IN_PROGRESS.matcher(body);
        return counts + (p.find() ? ", in progress " + p.group(1) : "");
    }

    private static String call(URI emulator, String method) {
        try (HttpClient c = JavaDriver.client()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(emulator + "/emulator/streams"))
                    .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
