package dev.gemgate.domain.usage;

import java.util.List;
import java.util.Optional;

/**
 * A tenant's usage over a selection: the total of the whole range, and one row per group. {@code truncated} says that
 * there were more groups than the selection's {@code maxGroups}: the rows are then the most expensive ones, and the
 * total still covers every request.
 */
public record UsageReport(UsageSelection selection, UsageFigures total, List<Row> rows, boolean truncated) {
    /**
     * One group: {@code group} is the day ({@code 2026-11-03}), the model, the API key's id, or the end user; it is
     * empty for the requests that named no end user when grouped by end user.
     */
    public record Row(Optional<String> group, UsageFigures figures) {
        public Row {
            if (group == null || figures == null) {
                throw new IllegalArgumentException("a usage row needs its group (or empty) and figures");
            }
        }
    }

    public UsageReport {
        if (selection == null || total == null || rows == null) {
            throw new IllegalArgumentException("usage report fields are required");
        }
        rows = List.copyOf(rows);
    }
}
