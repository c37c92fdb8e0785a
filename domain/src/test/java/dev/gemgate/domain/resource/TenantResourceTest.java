package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantResourceTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00.123456789Z");

    private static TenantResource created(UpstreamResourceName name) {
        return TenantResource.created(UUID.randomUUID(), name, new TenantId(UUID.randomUUID()),
                new ApiKeyId(UUID.randomUUID()), new UpstreamCredentialId("pool-1"),
                Optional.of(new ModelId("gemini-2.5-flash")), "ACTIVE", Optional.empty(), T0);
    }

    @Test
    void names_carry_their_kinds_prefix_and_a_plain_id() {
        assertThat(new UpstreamResourceName(ResourceKind.FILE, "files/abc123").id()).isEqualTo("abc123");
        assertThat(UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, "x-1_y").value())
                .isEqualTo("cachedContents/x-1_y");
        assertThat(UpstreamResourceName.isValid(ResourceKind.BATCH, "batches/z2p8ksus4lyxt25rntl3fpd67p2niw4hfij5"))
                .isTrue();
        for (String bad : new String[] {"files/", "batches/abc", "files/a/b", "files/../x", "files/a.b", "files/a b",
                "files/" + "a".repeat(129), "FILES/abc"}) {
            assertThat(UpstreamResourceName.isValid(ResourceKind.FILE, bad)).as(bad).isFalse();
            assertThatThrownBy(() -> new UpstreamResourceName(ResourceKind.FILE, bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(UpstreamResourceName.isValid(ResourceKind.FILE, "files/" + "a".repeat(128))).isTrue();
    }

    @Test
    void each_count_belongs_to_its_kind_and_states_are_google_words() {
        assertThat(created(UpstreamResourceName.of(ResourceKind.FILE, "f")).withSizeBytes(10).sizeBytes())
                .hasValue(10);
        assertThatThrownBy(() -> created(UpstreamResourceName.of(ResourceKind.FILE, "f")).withTokenCount(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cached contents");
        assertThatThrownBy(() -> created(UpstreamResourceName.of(ResourceKind.BATCH, "b")).withSizeBytes(10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> created(UpstreamResourceName.of(ResourceKind.BATCH, "b")).withRequestCount(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResourceUpdate.none().withState("active"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResourceUpdate.none().withTokenCount(5).checkApplies(ResourceKind.FILE))
                .isInstanceOf(IllegalArgumentException.class);
        ResourceUpdate.none().withTokenCount(5).checkApplies(ResourceKind.CACHED_CONTENT);
        assertThat(ResourceUpdate.none().withState("BATCH_STATE_SUCCEEDED").state()).contains("BATCH_STATE_SUCCEEDED");
    }

    @Test
    void page_tokens_round_trip_to_the_microsecond_and_anything_else_is_a_400_on_page_token() {
        UUID id = UUID.randomUUID();
        ResourcePageToken token = new ResourcePageToken(T0, id);
        String text = token.encode();
        assertThat(text).hasSize(32).matches("[A-Za-z0-9_-]+");
        assertThat(ResourcePageToken.decode(text)).isEqualTo(new ResourcePageToken(
                Instant.parse("2026-11-30T10:00:00.123456Z"), id));
        for (String bad : new String[] {"", "x", "not a token", text.substring(1), text + "AA", "%%%%"}) {
            assertThatThrownBy(() -> ResourcePageToken.decode(bad)).as(bad)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("pageToken: is not a page token this list returned");
        }
    }
}
