package dev.gemgate.adapter.persistence;

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

    @Test
    void admin_details_survive_the_round_trip() {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.parse("2031-01-01T00:00:00Z"),
                AuditEventType.TENANT_UPDATED, new RequestId("req-1"), Optional.empty(),
                Optional.of(new TenantId(UUID.randomUUID())), Optional.empty(), "sub-alice", Optional.empty(),
                Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS, Optional.empty(), "tenant acme updated",
                Optional.of(new AdminDetails("Alice\tAdmin", "2001:db8::1", "tenant:x",
                        Optional.of("{\"displayName\":\"a\tb\\n\"}"), Optional.of(""))));
        String line = codec.encode(event);
        assertThat(line).doesNotContain("\n");
        assertThat(codec.decode(line)).isEqualTo(event);

        AuditEvent denied = new AuditEvent(UUID.randomUUID(), Instant.parse("2031-01-01T00:00:00Z"),
                AuditEventType.ADMIN_ACCESS_DENIED, new RequestId("req-2"), Optional.empty(), Optional.empty(),
                Optional.empty(), "anonymous", Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO,
                Outcome.UNAUTHENTICATED, Optional.empty(), "no token",
                Optional.of(new AdminDetails("anonymous", "192.0.2.1", "GET /admin/api/v1/tenants", Optional.empty(),
                        Optional.empty())));
        assertThat(codec.decode(codec.encode(denied))).isEqualTo(denied);
    }

    @Test
    void a_version_1_line_spooled_by_an_older_release_still_decodes() {
        AuditEvent event = event(Optional.of("corr"), "detail");
        // Exactly what the v1 codec wrote: its 18 fields, no admin details, no end user.
        String v3 = v3(event);
        String v1 = AuditEventLineCodec.VERSION_1 + v3.substring(AuditEventLineCodec.VERSION_3.length(),
                v3.length() - "\t\\N".length() * 6);
        assertThat(v1.split("\t", -1)).hasSize(19);

        assertThat(codec.decode(v1)).isEqualTo(event);
        assertThatThrownBy(() -> codec.decode(v1 + "\t\\N")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_end_user_survives_the_round_trip() {
        AuditEvent event = withEndUser(event(Optional.empty(), "detail"), Optional.of("user\t42 ü"));
        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
        assertThat(codec.decode(codec.encode(event)).endUser()).contains("user\t42 ü");
    }

    @Test
    void a_version_2_line_spooled_before_end_users_were_recorded_still_decodes() {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.parse("2031-01-01T00:00:00Z"),
                AuditEventType.API_KEY_ISSUED, new RequestId("req-9"), Optional.empty(),
                Optional.of(new TenantId(UUID.randomUUID())), Optional.empty(), "sub-bob", Optional.empty(),
                Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS, Optional.empty(), "key issued",
                Optional.of(new AdminDetails("Bob", "192.0.2.7", "api-key:x", Optional.empty(),
                        Optional.of("{}"))));
        // Exactly what the v2 codec wrote: its 23 fields, the admin details last.
        String v3 = v3(event);
        assertThat(v3).endsWith("\t\\N");
        String v2 = AuditEventLineCodec.VERSION_2 + v3.substring(AuditEventLineCodec.VERSION_3.length(),
                v3.length() - "\t\\N".length());
        assertThat(v2.split("\t", -1)).hasSize(24);

        assertThat(codec.decode(v2)).isEqualTo(event);
        assertThat(codec.decode(v2).endUser()).isEmpty();
        assertThatThrownBy(() -> codec.decode(v2 + "\tuser-1")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Exactly what the v3 codec wrote: today's fields without the money saved (the last one). */
    private String v3(AuditEvent event) {
        String v4 = codec.encode(event);
        assertThat(v4).endsWith("\t0");
        return AuditEventLineCodec.VERSION_3 + v4.substring(AuditEventLineCodec.VERSION.length(), v4.length() - 2);
    }

    @Test
    void a_version_3_line_spooled_before_cache_savings_were_recorded_still_decodes() {
        AuditEvent event = withEndUser(event(Optional.empty(), "detail"), Optional.of("user-3"));
        assertThat(codec.decode(v3(event))).isEqualTo(event);
        assertThat(codec.decode(v3(event)).saved()).isEqualTo(Money.ZERO);
    }

    @Test
    void the_money_a_cache_hit_saved_survives_the_round_trip() {
        AuditEvent e = event(Optional.empty(), "detail");
        AuditEvent hit = new AuditEvent(e.id(), e.occurredAt(), e.type(), e.requestId(), e.correlationId(), e.tenant(),
                e.apiKey(), e.actor(), e.model(), e.usage(), Money.ZERO, e.latency(), Outcome.CACHE_HIT,
                e.promptHash(), e.detail(), e.admin(), e.endUser(), Money.ofMicros(1234));
        assertThat(codec.decode(codec.encode(hit)).saved()).isEqualTo(Money.ofMicros(1234));
        assertThat(codec.decode(codec.encode(hit))).isEqualTo(hit);
    }

    @Test
    void admin_fields_without_an_actor_name_are_refused() {
        String line = v3(event(Optional.empty(), "detail"));
        String broken = line.substring(0, line.length() - "\t\\N".length() * 6)
                + "\t\\N\t1.2.3.4\ttenant:x\t\\N\t\\N\t\\N";
        assertThatThrownBy(() -> codec.decode(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor name");
    }

    private static AuditEvent withEndUser(AuditEvent e, Optional<String> endUser) {
        return new AuditEvent(e.id(), e.occurredAt(), e.type(), e.requestId(), e.correlationId(), e.tenant(),
                e.apiKey(), e.actor(), e.model(), e.usage(), e.cost(), e.latency(), e.outcome(), e.promptHash(),
                e.detail(), e.admin(), endUser);
    }

    private static AuditEvent event(Optional<String> correlationId, String detail) {
        return new AuditEvent(UUID.randomUUID(), Instant.parse("2031-01-01T00:00:00Z"), AuditEventType.TENANT_CREATED,
                new RequestId("req-1"), correlationId, Optional.empty(), Optional.empty(), "admin:alice",
                Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS, Optional.empty(), detail);
    }
}
