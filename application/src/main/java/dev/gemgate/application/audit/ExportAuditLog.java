package dev.gemgate.application.audit;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditFilter;
import dev.gemgate.domain.audit.AuditPosition;
import dev.gemgate.domain.audit.AuditSearch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every audit event that matches {@link AuditLogFilters}, newest first, for a download: {@link #prepare} checks the
 * filters before anything is sent (a bad one is a 400, not a broken download), and {@link Export#writeTo} then hands
 * the events to a sink page by page ({@link #PAGE} events at a time, by keyset), so that no more than one page is ever
 * in memory however long the log. Events appended while the export runs are newer than its first page and are not
 * part of it. A read: not audited.
 */
public final class ExportAuditLog {
    public static final int PAGE = 500;

    /** The checked filters, ready to be written. */
    public final class Export {
        private final AuditFilter filter;

        private Export(AuditFilter filter) {
            this.filter = filter;
        }

        /** Hands every matching event to {@code sink} in order; returns how many. */
        public long writeTo(Consumer<AuditEvent> sink) {
            long written = 0;
            Optional<AuditPosition> after = Optional.empty();
            while (true) {
                List<AuditEvent> page = search.page(filter, after, PAGE);
                page.forEach(sink);
                written += page.size();
                if (page.size() < PAGE) {
                    return written;
                }
                after = Optional.of(AuditPosition.of(page.getLast()));
            }
        }

        /**
         * Writes the download itself to {@code output}: {@link AuditRecord}'s header, then one CSV line per matching
         * event (UTF-8, buffered, flushed at the end, not closed); returns how many events.
         */
        public long writeCsv(OutputStream output) throws IOException {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 16 * 1024);
            AuditRecord.csvHeader(out);
            long written = writeTo(event -> AuditRecord.csvLine(out, event));
            out.flush();
            return written;
        }
    }

    private final AuditSearch search;

    public ExportAuditLog(AuditSearch search) {
        this.search = search;
    }

    /** {@code InvalidRequestException} naming the parameter when a filter is bad. */
    public Export prepare(AuditLogFilters filters) {
        return new Export(filters.parse());
    }
}
