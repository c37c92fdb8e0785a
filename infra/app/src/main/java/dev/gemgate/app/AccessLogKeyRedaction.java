package dev.gemgate.app;

import io.quarkus.logging.LoggingFilter;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

/**
 * The access log's redaction (the handler {@code access-log} in application.properties): a tenant key may arrive as
 * {@code ?key=...} (Google's SDKs and curl examples send it so), and the combined format logs the request line with its
 * query string. Every {@code key} query parameter's value is replaced before the line is written, whatever its case or
 * position ({@code ?key=}, {@code &KEY=}), percent-encoded or not; so is an {@code upload_id} (the Files API's upload
 * URL: whoever holds it may write into that tenant's upload).
 */
@LoggingFilter(name = AccessLogKeyRedaction.NAME)
public final class AccessLogKeyRedaction implements Filter {
    public static final String NAME = "gemgate-access-log-redaction";
    public static final String REDACTED = "REDACTED";
    private static final Pattern KEY = Pattern.compile("([?&](?i:key|upload_id)=)[^&\\s\"]*");
    private static final Pattern QUERY_KEY = Pattern.compile("((?:^|&)(?i:key|upload_id)=)[^&]*");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message != null) {
            record.setMessage(redact(message));
        }
        return true;
    }

    /** {@code line} (a request line, a URL) with the value of each {@code key} query parameter redacted. */
    public static String redact(String line) {
        return KEY.matcher(line).replaceAll("$1" + REDACTED);
    }

    /** A bare query string ({@code alt=sse&key=...}, without its {@code ?}) with each {@code key} value redacted. */
    public static String redactQuery(String query) {
        return QUERY_KEY.matcher(query).replaceAll("$1" + REDACTED);
    }
}
