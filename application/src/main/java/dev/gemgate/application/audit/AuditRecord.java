package dev.gemgate.application.audit;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An audit event as the control plane shows it to admins, the same fields in the same order on every surface (the
 * admin API's JSON page and CSV export, the portal's CSV export): {@link #FIELDS}. Money is a decimal string of US
 * dollars ({@code costUsd}, {@code savedUsd}: what a response-cache hit would have cost), {@code latencyMs} a number
 * of milliseconds with three decimals, absent values null (an empty cell in CSV). {@code before}/{@code after} are an
 * admin action's target state as JSON text, which never holds a secret; the prompt's hash is not shown.
 *
 * <p>CSV: RFC 4180 (a header line, CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF, quotes
 * doubled). A text cell that a spreadsheet would run as a formula (it starts with {@code = + - @}, a tab or a CR) is
 * prefixed with a single quote, as OWASP advises: tenants choose some of these values (end user, correlation id).
 */
public final class AuditRecord {
    public static final List<String> FIELDS = List.of("id", "occurredAt", "type", "outcome", "tenantId", "actor",
            "actorName", "sourceAddress", "target", "apiKeyId", "model", "endUser", "requestId", "correlationId",
            "promptTokens", "outputTokens", "thinkingTokens", "cachedTokens", "costUsd", "savedUsd", "latencyMs",
            "detail", "before", "after");

    private AuditRecord() {
    }

    /** The event's {@link #FIELDS}, in order; absent values are null. */
    public static Map<String, Object> fields(AuditEvent e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", e.id().toString());
        fields.put("occurredAt", e.occurredAt().toString());
        fields.put("type", e.type().name());
        fields.put("outcome", e.outcome().name());
        fields.put("tenantId", e.tenant().map(Object::toString).orElse(null));
        fields.put("actor", e.actor());
        fields.put("actorName", e.admin().map(AdminDetails::actorName).orElse(null));
        fields.put("sourceAddress", e.admin().map(AdminDetails::sourceAddress).orElse(null));
        fields.put("target", e.admin().map(AdminDetails::target).orElse(null));
        fields.put("apiKeyId", e.apiKey().map(Object::toString).orElse(null));
        fields.put("model", e.model().map(m -> m.value()).orElse(null));
        fields.put("endUser", e.endUser().orElse(null));
        fields.put("requestId", e.requestId().value());
        fields.put("correlationId", e.correlationId().orElse(null));
        fields.put("promptTokens", e.usage().promptTokens());
        fields.put("outputTokens", e.usage().candidatesTokens());
        fields.put("thinkingTokens", e.usage().thoughtsTokens());
        fields.put("cachedTokens", e.usage().cachedTokens());
        fields.put("costUsd", e.cost().toDollars().toPlainString());
        fields.put("savedUsd", e.saved().toDollars().toPlainString());
        fields.put("latencyMs", BigDecimal.valueOf(e.latency().toNanos() / 1_000, 3));
        fields.put("detail", e.detail());
        fields.put("before", e.admin().flatMap(AdminDetails::before).orElse(null));
        fields.put("after", e.admin().flatMap(AdminDetails::after).orElse(null));
        return fields;
    }

    public static void csvHeader(Writer out) {
        line(out, FIELDS);
    }

    public static void csvLine(Writer out, AuditEvent event) {
        line(out, List.copyOf(fields(event).values().stream().map(v -> v == null ? "" : v).toList()));
    }

    private static void line(Writer out, List<?> cells) {
        try {
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                Object cell = cells.get(i);
                out.write(cell instanceof String text ? cell(text) : cell.toString());
            }
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One text cell: defused if a spreadsheet would read it as a formula, quoted when RFC 4180 says so. */
    static String cell(String text) {
        String value = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
