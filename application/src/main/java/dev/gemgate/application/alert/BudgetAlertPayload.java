package dev.gemgate.application.alert;

import dev.gemgate.domain.budget.BudgetAlert;
import dev.gemgate.domain.common.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * The webhook body of a budget threshold crossed (type {@code budget.threshold_crossed}), written by hand (the
 * application knows no JSON library): a flat, stable set of fields, money as USD decimal strings (never floats).
 * <pre>{"id":"…","type":"budget.threshold_crossed","occurredAt":"2026-11-30T10:15:30Z","tenantId":"…",
 *  "budget":{"scope":"TENANT","name":"daily tenant budget","period":"DAILY","zone":"UTC"},
 *  "accountKey":"budget:tenant:…","percent":50,"committedUsd":"1.000000","limitUsd":"2.000000"}</pre>
 * {@code budget.apiKeyId} or {@code budget.endUser} is present for an API key's or an end user's budget.
 */
public final class BudgetAlertPayload {
    public static final String TYPE = "budget.threshold_crossed";

    private BudgetAlertPayload() {
    }

    public static String json(UUID eventId, BudgetAlert alert, Instant occurredAt) {
        var budget = alert.budget();
        StringBuilder json = new StringBuilder(512).append('{');
        field(json, "id", eventId.toString()).append(',');
        field(json, "type", TYPE).append(',');
        field(json, "occurredAt", occurredAt.toString()).append(',');
        field(json, "tenantId", budget.tenant().toString()).append(',');
        json.append("\"budget\":{");
        field(json, "scope", budget.scope().name()).append(',');
        field(json, "name", budget.name()).append(',');
        field(json, "period", budget.period().name()).append(',');
        field(json, "zone", budget.zone().getId());
        budget.apiKey().ifPresent(k -> field(json.append(','), "apiKeyId", k.toString()));
        budget.endUser().ifPresent(u -> field(json.append(','), "endUser", u));
        json.append("},");
        field(json, "accountKey", alert.accountKey()).append(',');
        json.append("\"percent\":").append(alert.percent()).append(',');
        field(json, "committedUsd", usd(alert.committed())).append(',');
        field(json, "limitUsd", usd(budget.limit()));
        return json.append('}').toString();
    }

    static String usd(Money money) {
        return money.toDollars().toPlainString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        return quote(quote(json, name).append(':'), value);
    }

    /** A JSON string: quotes, backslashes and control characters escaped (an end user's name is the tenant's text). */
    static StringBuilder quote(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
