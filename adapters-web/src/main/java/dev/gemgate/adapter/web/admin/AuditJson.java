package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.audit.AuditRecord;
import dev.gemgate.domain.audit.AuditEvent;

import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * An audit event on the admin API: the application's {@link AuditRecord}, the same fields in the JSON page and in the
 * CSV export (and in the portal's export), in this order: {@link #FIELDS}.
 */
public final class AuditJson {
    public static final List<String> FIELDS = AuditRecord.FIELDS;

    private AuditJson() {
    }

    public static Map<String, Object> of(AuditEvent e) {
        return AuditRecord.fields(e);
    }

    public static void csvHeader(Writer out) {
        AuditRecord.csvHeader(out);
    }

    public static void csvLine(Writer out, AuditEvent event) {
        AuditRecord.csvLine(out, event);
    }
}
