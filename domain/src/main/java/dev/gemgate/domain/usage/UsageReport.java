package dev.gemgate.domain.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * A report by day with a row for every day of the range, in order: a day without requests is a row of zeros, not
     * a gap (a chart or a sum over days then needs no knowledge of the calendar). Any other grouping is returned as it
     * is: a model or a key that made no request has no row. (A report by day is never cut: a range has at most
     * {@link UsageSelection#MAX_DAYS} days, fewer than any group limit; a cut one is returned as it is.)
     */
    public UsageReport withEveryDay() {
        if (selection.groupBy() != UsageGrouping.DAY || truncated) {
            return this;
        }
        Map<String, UsageFigures> byDay = new HashMap<>();
        for (Row row : rows) {
            row.group().ifPresent(day -> byDay.put(day, row.figures()));
        }
        List<Row> everyDay = new ArrayList<>((int) UsageSelection.days(selection.from(), selection.to()));
        for (LocalDate day = selection.from(); !day.isAfter(selection.to()); day = day.plusDays(1)) {
            String name = day.toString();
            everyDay.add(new Row(Optional.of(name), byDay.getOrDefault(name, UsageFigures.NONE)));
        }
        return new UsageReport(selection, total, everyDay, truncated);
    }
}
