package dev.gemgate.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the emulator received it (control endpoints under {@code /emulator/} are not recorded).
 *
 * @param method     HTTP method, e.g. {@code POST}
 * @param path       the decoded path, e.g. {@code /v1beta/models/gemini-2.5-flash:generateContent}
 * @param query      the raw query string without {@code ?}, or {@code ""} when there is none
 * @param headers    request headers, names in lower case, values in arrival order
 * @param body       the body decoded as UTF-8 ({@code ""} when empty)
 * @param receivedAt when the request line and body had been read
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
                              String body, Instant receivedAt) {

    /** The first value of a header (case-insensitive name), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The credential the request carried: the {@code x-goog-api-key} header, else the {@code key} query
     * parameter, else the token of an {@code Authorization: Bearer} header; null when none.
     */
    public String apiKey() {
        return Credentials.of(headers, query).value();
    }
}
