package dev.gemgate.adapter.persistence;

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

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditEventLineCodecTest {
    private final AuditEventLineCodec codec = new AuditEventLineCodec();

    @Test
    void every_field_survives_the_round_trip_whatever_characters_it_holds() {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.parse("2031-05-06T07:08:09.123456789Z"),
                AuditEventType.GENERATE_CONTENT, new RequestId("req\twith\ttabs"),
                Optional.of("caller\nid\\N\r"), Optional.of(new TenantId(UUID.randomUUID())),
                Optional.of(new ApiKeyId(UUID.randomUUID())), "key:ünïcødé 😀", Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(1, 2, 3, 0), Money.ofMicros(Long.MAX_VALUE), Duration.ofSeconds(86_400 * 400L, 987_654_321),
                Outcome.UPSTREAM_ERROR, Optional.of("ab".repeat(32)), "line one\nline two\ttab \\ backslash \\N");

        String line = codec.encode(event);

        assertThat(line).doesNotContain("\n", "\r").startsWith(AuditEventLineCodec.VERSION + "\t");
        assertThat(codec.decode(line)).isEqualTo(event);
    }

    @Test
    void an_absent_optional_and_an_empty_one_stay_apart() {
        AuditEvent absent = event(Optional.empty(), "");
        AuditEvent empty = event(Optional.of(""), "");
        AuditEvent literal = event(Optional.of("\\N"), "\\N");

        assertThat(codec.decode(codec.encode(absent))).isEqualTo(absent);
        assertThat(codec.decode(codec.encode(empty))).isEqualTo(empty);
        assertThat(codec.decode(codec.encode(literal))).isEqualTo(literal);
        assertThat(codec.encode(absent)).isNotEqualTo(codec.encode(empty));
    }

    @Test
    void lines_it_did_not_write_are_refused_not_misread() {
        String line = codec.encode(event(Optional.empty(), "detail"));

        assertThatThrownBy(() -> codec.decode(line.replace(AuditEventLineCodec.VERSION, "audit-v9")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode(line.substring(0, line.lastIndexOf('\t'))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode(line + "\textra")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode(line.replace("SUCCESS", "SUCCEEDED")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode(line + "\\")).isInstanceOf(IllegalArgumentException.class);
    }

    private static AuditEvent event(Optional<String> correlationId, String detail) {
        return new AuditEvent(UUID.randomUUID(), Instant.parse("2031-01-01T00:00:00Z"), AuditEventType.TENANT_CREATED,
                new RequestId("req-1"), correlationId, Optional.empty(), Optional.empty(), "admin:alice",
                Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS, Optional.empty(), detail);
    }
}
