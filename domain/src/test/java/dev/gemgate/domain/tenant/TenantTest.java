package dev.gemgate.domain.tenant;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private final Tenant acme = new Tenant(new TenantId(UUID.randomUUID()), "acme", TenantStatus.ACTIVE, T0);

    @Test
    void aNewTenantIsItsOwnDisplayNameWithNothingElse() {
        assertThat(acme.displayName()).isEqualTo("acme");
        assertThat(acme.contact()).isEmpty();
        assertThat(acme.metadata()).isEmpty();
        assertThat(acme.isActive()).isTrue();
    }

    @Test
    void profileFieldsAreBounded() {
        assertThat(acme.withProfile("ACME Corp", Optional.of("ops@acme.example"), Map.of("cost-centre", "42"))
                .metadata()).containsEntry("cost-centre", "42");
        assertThatThrownBy(() -> acme.withProfile(" ", Optional.empty(), Map.of()))
                .hasMessageContaining("display name");
        assertThatThrownBy(() -> acme.withProfile("x".repeat(201), Optional.empty(), Map.of()))
                .hasMessageContaining("display name");
        assertThatThrownBy(() -> acme.withProfile("A", Optional.of("x".repeat(255)), Map.of()))
                .hasMessageContaining("contact");
        assertThatThrownBy(() -> acme.withProfile("A", Optional.empty(), Map.of("bad key", "v")))
                .hasMessageContaining("metadata key 'bad key'");
        assertThatThrownBy(() -> acme.withProfile("A", Optional.empty(), Map.of("k", "v".repeat(513))))
                .hasMessageContaining("metadata value of 'k'");
        Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> acme.withProfile("A", Optional.empty(), many)).hasMessageContaining("at most 50");
    }

    @Test
    void deletionIsFinalAndRecordsItsTime() {
        Tenant deleted = acme.deletedAt(T0.plusSeconds(5));
        assertThat(deleted.isDeleted()).isTrue();
        assertThat(deleted.isActive()).isFalse();
        assertThat(deleted.deletedAt()).contains(T0.plusSeconds(5));
        assertThatThrownBy(() -> deleted.withStatus(TenantStatus.ACTIVE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tenant(acme.id(), "acme", "acme", Optional.empty(), Map.of(),
                TenantStatus.ACTIVE, T0, Optional.of(T0))).hasMessageContaining("deletion time");
    }
}
