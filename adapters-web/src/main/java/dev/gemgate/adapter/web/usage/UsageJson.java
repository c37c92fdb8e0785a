package dev.gemgate.adapter.web.usage;

import dev.gemgate.adapter.web.CostHeader;
import dev.gemgate.domain.usage.UsageFigures;
import dev.gemgate.domain.usage.UsageGrouping;
import dev.gemgate.domain.usage.UsageReport;
import dev.gemgate.domain.usage.UsageSelection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A usage report on the wire, the same for the tenant and the admin API: the selection as applied (defaults filled in),
 * the total of the range, and one row per group, each named by its grouping's field ({@code day}, {@code model},
 * {@code apiKeyId}, {@code endUser}; {@code endUser} is null for requests that named none). Money is a decimal string of
 * US dollars with six decimals ({@code costUsd}), tokens are integers. {@code cacheHits} counts the requests answered
 * from the response cache (charged nothing, their tokens not counted as billed) and {@code savedUsd} what they would
 * have cost.
 */
public final class UsageJson {
    private UsageJson() {
    }

    public static Map<String, Object> of(UsageReport report) {
        UsageSelection selection = report.selection();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tenantId", selection.tenant().toString());
        json.put("from", selection.from().toString());
        json.put("to", selection.to().toString());
        json.put("zone", selection.zone().getId());
        json.put("groupBy", groupBy(selection.groupBy()));
        json.put("total", figures(new LinkedHashMap<>(), report.total()));
        String field = field(selection.groupBy());
        List<Map<String, Object>> rows = report.rows().stream().map(row -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put(field, row.group().orElse(null));
            return figures(r, row.figures());
        }).toList();
        json.put("rows", rows);
        json.put("truncated", report.truncated());
        return json;
    }

    /** The name a grouping has in the {@code groupBy} parameter. */
    public static String groupBy(UsageGrouping grouping) {
        return switch (grouping) {
            case DAY -> "day";
            case MODEL -> "model";
            case API_KEY -> "key";
            case END_USER -> "endUser";
        };
    }

    private static String field(UsageGrouping grouping) {
        return grouping == UsageGrouping.API_KEY ? "apiKeyId" : groupBy(grouping);
    }

    private static Map<String, Object> figures(Map<String, Object> json, UsageFigures f) {
        json.put("requests", f.requests());
        json.put("promptTokens", f.promptTokens());
        json.put("outputTokens", f.outputTokens());
        json.put("thinkingTokens", f.thinkingTokens());
        json.put("cachedTokens", f.cachedTokens());
        json.put("costUsd", CostHeader.usd(f.cost()));
        json.put("cacheHits", f.cacheHits());
        json.put("savedUsd", CostHeader.usd(f.saved()));
        return json;
    }
}
