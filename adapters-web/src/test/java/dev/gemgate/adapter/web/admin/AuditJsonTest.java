package dev.gemgate.adapter.web.admin;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AuditJsonTest {
    private final TenantId tenant = new TenantId(new UUID(1, 1));

    @Test
    void csvQuotesByRfc4180DefusesFormulasAndHasTheJsonsFieldsInOrder() {
        AuditEvent admin = new AuditEvent(new UUID(0, 7), Instant.parse("2026-11-30T10:00:00.123456Z"),
                AuditEventType.TENANT_UPDATED, new RequestId("req-7"), Optional.of("=HYPERLINK(\"x\")"),
                Optional.of(tenant), Optional.empty(), "sub-1", Optional.empty(), new Usage(0, 0, 0, 0), Money.ZERO,
                Duration.ofNanos(1_234_567), Outcome.SUCCESS, Optional.of("sha256:secret-ish"),
                "line one\nline \"two\", end", Optional.of(new AdminDetails("Ada, Admin", "192.0.2.1",
                "tenant:" + tenant, Optional.of("{\"a\":1,\"b\":2}"), Optional.empty())));
        StringWriter out = new StringWriter();

        AuditJson.csvHeader(out);
        AuditJson.csvLine(out, admin);

        String[] lines = out.toString().split("\r\n", -1);
        assertThat(lines[0]).isEqualTo(String.join(",", AuditJson.FIELDS));
        assertThat(out.toString()).isEqualTo(lines[0] + "\r\n"
                + "00000000-0000-0000-0000-000000000007,2026-11-30T10:00:00.123456Z,TENANT_UPDATED,SUCCESS,"
                + tenant + ",sub-1,\"Ada, Admin\",192.0.2.1,tenant:" + tenant + ",,,,req-7,"
                + "\"'=HYPERLINK(\"\"x\"\")\",0,0,0,0,0.000000,0.000000,1.234,"
                + "\"line one\nline \"\"two\"\", end\",\"{\"\"a\"\":1,\"\"b\"\":2}\",\r\n");
        assertThat(out.toString()).doesNotContain("sha256");
        assertThat(AuditJson.of(admin).keySet()).containsExactlyElementsOf(AuditJson.FIELDS);
    }

    @Test
    void aRequestEventShowsItsKeyModelTokensAndMoney() {
        AuditEvent call = new AuditEvent(new UUID(0, 8), Instant.parse("2026-11-30T10:00:00Z"),
                AuditEventType.GENERATE_CONTENT, new RequestId("req-8"), Optional.empty(), Optional.of(tenant),
                Optional.of(new ApiKeyId(new UUID(2, 2))), "key-2", Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(100, 20, 5, 10), Money.ofMicros(1_250), Duration.ofMillis(42), Outcome.CACHE_HIT,
                Optional.empty(), "", Optional.empty(), Optional.of("-alice"), Money.ofMicros(900));

        assertThat(AuditJson.of(call)).containsEntry("model", "gemini-2.5-flash").containsEntry("promptTokens", 100L)
                .containsEntry("outputTokens", 20L).containsEntry("thinkingTokens", 5L)
                .containsEntry("cachedTokens", 10L).containsEntry("costUsd", "0.001250")
                .containsEntry("savedUsd", "0.000900").containsEntry("endUser", "-alice")
                .containsEntry("actorName", null);
        StringWriter out = new StringWriter();
        AuditJson.csvLine(out, call);
        assertThat(out.toString()).contains(",'-alice,").contains(",42.000,");
    }
}
